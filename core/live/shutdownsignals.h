#pragma once

#include <QObject>

class QSocketNotifier;

namespace rwb {

/// Delivers SIGINT and SIGTERM as a Qt signal on the thread that created the object (POSIX self-pipe),
/// so a headless command can shut down cleanly from its event loop. At most one instance at a time;
/// the previous signal handlers are restored on destruction.
class ShutdownSignals final : public QObject {
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject* parent = nullptr);
    ~ShutdownSignals() override;
    bool isValid() const noexcept { return m_notifier != nullptr; }

signals:
    void received(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace rwb
