// base/display_text.h
// Text that people read: names, reasons and anything else govd takes from one person and shows
// to another on a terminal or a page. Raw control characters (ESC sequences recolour or rewrite
// a terminal, a newline forges a line of output, NUL and BEL) and Unicode bidirectional
// overrides (which make "gpj.exe" read as "exe.jpg") are refused where text comes in
// (CheckDisplayText, CheckReason) and escaped where it goes out (EscapeForTerminal).
// Pure, thread safe. Never echoes a refused character raw into its error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd {

// The most characters (code points) a reason may have.
inline constexpr std::size_t kMaxReasonChars = 1000;

// kInvalidArgument naming `field` when `text` is not valid UTF-8 or holds a C0 or C1 control
// character, DEL, or a bidirectional formatting character (U+200E, U+200F, U+202A-U+202E,
// U+2066-U+2069); the message gives its position and code point.
Status CheckDisplayText(std::string_view text, std::string_view field);

// A reason of a grant request or decision: CheckDisplayText, not blank (only whitespace), and at
// most kMaxReasonChars characters.
Status CheckReason(std::string_view text, std::string_view field);

// `text` with every character CheckDisplayText refuses written as an escape ("\x1b", "\u202e"),
// so that it prints as one inert line; bytes that are not UTF-8 become "\xNN". Text without such
// characters comes back unchanged, so escaping twice changes nothing more.
std::string EscapeForTerminal(std::string_view text);

}  // namespace govd
