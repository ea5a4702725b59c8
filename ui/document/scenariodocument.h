#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

class QUndoStack;

namespace rwb {

/// The scenario being edited, kept as its JSON document so every editor works on JSON pointers
/// (the same pointers the config loader names in its errors). Every user edit goes through
/// setValue(), which pushes an undoable command; commands call apply().
///
/// GUI thread only. Owns its QUndoStack.
class ScenarioDocument final : public QObject {
    Q_OBJECT
public:
    explicit ScenarioDocument(QObject* parent = nullptr);
    ~ScenarioDocument() override;

    const QJsonObject& json() const noexcept { return m_json; }
    QJsonValue value(const QString& pointer) const;

    /// Records an edit on the undo stack (and applies it). `mergeKey` != 0 lets consecutive edits of
    /// the same control (a slider drag) collapse into one undo step. No-op when the value is unchanged.
    void setValue(const QString& pointer, const QJsonValue& value, const QString& description, int mergeKey = 0);
    /// Applies without recording (used by undo commands). Returns false for an impossible pointer.
    bool apply(const QString& pointer, const QJsonValue& value);

    /// Replaces the whole document (open, new, demo) and clears the undo history.
    void reset(const QJsonObject& json, const QString& filePath = {}, const QString& title = {});

    QUndoStack* undoStack() const noexcept { return m_undo; }
    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path);
    /// Display name: the file name, or the demo title for an unsaved demo.
    QString title() const;
    bool isModified() const;
    void markSaved();
    /// Monotonic counter bumped on every change; lets runs tell which edit they reflect.
    quint64 revision() const noexcept { return m_revision; }

signals:
    /// A value changed (pointer = where). Emitted for edits, undo and redo.
    void valueChanged(const QString& pointer);
    /// The whole document was replaced.
    void documentReset();
    /// Any change at all (value or reset); the signal the simulation controller listens to.
    void changed();
    void modifiedChanged(bool modified);

private:
    QJsonObject m_json;
    QString m_filePath;
    QString m_title;
    QUndoStack* m_undo;
    quint64 m_revision = 0;
};

} // namespace rwb
