#pragma once

#include "core/interop/interop.h"
#include "ui/run/jobtracker.h"

#include <QDialog>
#include <QJsonObject>

#include <functional>

class QComboBox;
class QLabel;
class QListWidget;
class QMenu;
class QPlainTextEdit;
class QPushButton;

namespace rwb {

/// File › Export Pipeline To › <format>: the chosen pipeline of the scenario in a peer library's format,
/// shown before it is saved, with the warnings for every setting the format approximates or cannot
/// express (docs/interop.md). Exporting is a pure string function of a few microseconds, run on the GUI
/// thread; the file is written on a worker thread (QSaveFile) and the result reported back here.
class InteropExportDialog final : public QDialog {
    Q_OBJECT

public:
    /// `scenario`: the document's JSON (a snapshot; later edits do not change this dialog).
    InteropExportDialog(
        const QJsonObject& scenario, InteropFormat format, const QString& baseName, QWidget* parent = nullptr);

    /// For tests: the preview's text and the warnings shown.
    QString previewText() const;
    QStringList warnings() const;
    /// Selects pipeline `name` (re-exports); false when the scenario has none of that name.
    bool selectPipeline(const QString& name);

private:
    void refresh();
    void save();

    std::optional<Scenario> m_scenario;
    InteropFormat m_format;
    QString m_baseName;
    QByteArray m_text;
    QComboBox* m_pipeline = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QListWidget* m_warnings = nullptr;
    QLabel* m_warningsTitle = nullptr;
    QPushButton* m_save = nullptr;
    JobTracker m_saves { this, JobTracker::Results::Every }; // closing the dialog waits for a save
};

/// The "Export Pipeline To" submenu: one action per format, each opening an InteropExportDialog on the
/// current document of `window` (read through `scenario` when triggered).
QMenu* createInteropExportMenu(
    QWidget* window, std::function<QJsonObject()> scenario, std::function<QString()> baseName);

} // namespace rwb
