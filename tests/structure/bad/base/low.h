// A base header that reaches up into daemon/: what check-layers must refuse.
#pragma once
#include "daemon/top.h"
