#pragma once

// The JSON pointer helpers moved to core (sweeps use them too).
#include "core/config/jsonpointer.h"
