#pragma once

#include <QIcon>

namespace rwb::icons {

/// Toolbar and menu icons, painted as vectors so they are crisp at any size and in presenter mode
/// (the Debian Qt build has no SVG icon engine). `App` is the application icon instead: the PNGs
/// rendered from resources/icons/resilience-workbench.svg, compiled in. GUI thread only.
enum class Icon {
    App,
    Run,
    Pause,
    Stop,
    Open,
    Save,
    Export,
    Compare,
    Presenter,
    Simulate,
    Live,
    Replay,
    Outage,
    Recover,
    Add,
    Remove,
    Demo,
};

QIcon icon(Icon which);

} // namespace rwb::icons
