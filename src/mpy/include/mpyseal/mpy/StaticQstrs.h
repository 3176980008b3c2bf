// The 165 static qstrs shared by .mpy v5 and v6 (py/makeqstrdata.py static_qstr_list).
// Source: ../shared/reference/mpy-format.md Appendix A; the list is a fact of the format.
#pragma once

#include <string_view>

namespace mpyseal::mpy {

inline constexpr int kNumStaticQstrs = 165; ///< ids 1..165; id 0 is the null qstr

/// Returns the static id (1..165) of `text`, or 0 if it is not a static qstr.
int staticQstrId(std::string_view text);

/// Returns the text of static qstr `id`. Precondition: 1 <= id <= 165 (otherwise returns "").
std::string_view staticQstrText(int id);

/// True if mpy-cross 1.29 has `text` interned before parsing starts: a static qstr, or one of its other
/// built-in qstrs (Appendix B). Drives the string-interning rule of §5.3.6.
bool isBuiltinQstr(std::string_view text);

} // namespace mpyseal::mpy
