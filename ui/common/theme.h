#pragma once

class QApplication;

namespace rwb {

/// Applies the workbench look: Fusion style, a calm light palette and a small style sheet for the
/// editors (section headers, invalid controls, outage buttons). Call once, before windows are shown.
void applyTheme(QApplication& app);

} // namespace rwb
