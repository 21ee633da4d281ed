// A daemon header; daemon/ may use base/.
#pragma once
#include "base/low.h"
