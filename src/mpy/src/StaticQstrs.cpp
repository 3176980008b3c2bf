// The static qstr table and the other built-in qstrs of mpy-cross 1.29 (mpy-format.md Appendix A and B).
#include "mpyseal/mpy/StaticQstrs.h"

#include <array>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mpyseal::mpy {

namespace {

using namespace std::string_view_literals;

// Index i holds static id i + 1 (id 0 is the null qstr and has no text).
constexpr std::array<std::string_view, kNumStaticQstrs> kStaticQstrs = {
    ""sv,
    "__dir__"sv,
    "\n"sv,
    " "sv,
    "*"sv,
    "/"sv,
    "<module>"sv,
    "_"sv,
    "__call__"sv,
    "__class__"sv,
    "__delitem__"sv,
    "__enter__"sv,
    "__exit__"sv,
    "__getattr__"sv,
    "__getitem__"sv,
    "__hash__"sv,
    "__init__"sv,
    "__int__"sv,
    "__iter__"sv,
    "__len__"sv,
    "__main__"sv,
    "__module__"sv,
    "__name__"sv,
    "__new__"sv,
    "__next__"sv,
    "__qualname__"sv,
    "__repr__"sv,
    "__setitem__"sv,
    "__str__"sv,
    "ArithmeticError"sv,
    "AssertionError"sv,
    "AttributeError"sv,
    "BaseException"sv,
    "EOFError"sv,
    "Ellipsis"sv,
    "Exception"sv,
    "GeneratorExit"sv,
    "ImportError"sv,
    "IndentationError"sv,
    "IndexError"sv,
    "KeyError"sv,
    "KeyboardInterrupt"sv,
    "LookupError"sv,
    "MemoryError"sv,
    "NameError"sv,
    "NoneType"sv,
    "NotImplementedError"sv,
    "OSError"sv,
    "OverflowError"sv,
    "RuntimeError"sv,
    "StopIteration"sv,
    "SyntaxError"sv,
    "SystemExit"sv,
    "TypeError"sv,
    "ValueError"sv,
    "ZeroDivisionError"sv,
    "abs"sv,
    "all"sv,
    "any"sv,
    "append"sv,
    "args"sv,
    "bool"sv,
    "builtins"sv,
    "bytearray"sv,
    "bytecode"sv,
    "bytes"sv,
    "callable"sv,
    "chr"sv,
    "classmethod"sv,
    "clear"sv,
    "close"sv,
    "const"sv,
    "copy"sv,
    "count"sv,
    "dict"sv,
    "dir"sv,
    "divmod"sv,
    "end"sv,
    "endswith"sv,
    "eval"sv,
    "exec"sv,
    "extend"sv,
    "find"sv,
    "format"sv,
    "from_bytes"sv,
    "get"sv,
    "getattr"sv,
    "globals"sv,
    "hasattr"sv,
    "hash"sv,
    "id"sv,
    "index"sv,
    "insert"sv,
    "int"sv,
    "isalpha"sv,
    "isdigit"sv,
    "isinstance"sv,
    "islower"sv,
    "isspace"sv,
    "issubclass"sv,
    "isupper"sv,
    "items"sv,
    "iter"sv,
    "join"sv,
    "key"sv,
    "keys"sv,
    "len"sv,
    "list"sv,
    "little"sv,
    "locals"sv,
    "lower"sv,
    "lstrip"sv,
    "main"sv,
    "map"sv,
    "micropython"sv,
    "next"sv,
    "object"sv,
    "open"sv,
    "ord"sv,
    "pop"sv,
    "popitem"sv,
    "pow"sv,
    "print"sv,
    "range"sv,
    "read"sv,
    "readinto"sv,
    "readline"sv,
    "remove"sv,
    "replace"sv,
    "repr"sv,
    "reverse"sv,
    "rfind"sv,
    "rindex"sv,
    "round"sv,
    "rsplit"sv,
    "rstrip"sv,
    "self"sv,
    "send"sv,
    "sep"sv,
    "set"sv,
    "setattr"sv,
    "setdefault"sv,
    "sort"sv,
    "sorted"sv,
    "split"sv,
    "start"sv,
    "startswith"sv,
    "staticmethod"sv,
    "step"sv,
    "stop"sv,
    "str"sv,
    "strip"sv,
    "sum"sv,
    "super"sv,
    "throw"sv,
    "to_bytes"sv,
    "tuple"sv,
    "type"sv,
    "update"sv,
    "upper"sv,
    "utf-8"sv,
    "value"sv,
    "values"sv,
    "write"sv,
    "zip"sv,
};

// Appendix B: built-in qstrs longer than 10 bytes that are not static (plus the long static ones, which
// the spec repeats; harmless).
constexpr std::array<std::string_view, 50> kOtherBuiltinQstrs = {
    "__delitem__"sv,
    "__getattr__"sv,
    "__getitem__"sv,
    "__qualname__"sv,
    "__setitem__"sv,
    "ArithmeticError"sv,
    "AssertionError"sv,
    "AttributeError"sv,
    "BaseException"sv,
    "GeneratorExit"sv,
    "ImportError"sv,
    "IndentationError"sv,
    "KeyboardInterrupt"sv,
    "LookupError"sv,
    "MemoryError"sv,
    "NotImplementedError"sv,
    "OverflowError"sv,
    "RuntimeError"sv,
    "StopIteration"sv,
    "SyntaxError"sv,
    "ZeroDivisionError"sv,
    "classmethod"sv,
    "micropython"sv,
    "staticmethod"sv,
    "Interpolation"sv,
    "StopAsyncIteration"sv,
    "UnicodeError"sv,
    "ViperTypeError"sv,
    "__build_class__"sv,
    "__complex__"sv,
    "__contains__"sv,
    "__repl_print__"sv,
    "__reversed__"sv,
    "__template__"sv,
    "__traceback__"sv,
    "bound_method"sv,
    "difference_update"sv,
    "format_spec"sv,
    "heap_unlock"sv,
    "interpolations"sv,
    "intersection"sv,
    "intersection_update"sv,
    "maximum recursion depth exceeded"sv,
    "string.templatelib"sv,
    "symmetric_difference"sv,
    "symmetric_difference_update"sv,
    "templatelib"sv,
    "unpack_from"sv,
    "vcvt_f32_s32"sv,
    "vcvt_s32_f32"sv,
};

const std::unordered_map<std::string_view, int>& staticIndex() {
    static const auto* index = [] {
        auto* m = new std::unordered_map<std::string_view, int>();
        for (int i = 0; i < kNumStaticQstrs; ++i) m->emplace(kStaticQstrs[i], i + 1);
        return m;
    }();
    return *index;
}

const std::unordered_set<std::string_view>& otherBuiltinIndex() {
    static const auto* index =
        new std::unordered_set<std::string_view>(kOtherBuiltinQstrs.begin(), kOtherBuiltinQstrs.end());
    return *index;
}

} // namespace

int staticQstrId(std::string_view text) {
    const auto& index = staticIndex();
    auto it = index.find(text);
    return it == index.end() ? 0 : it->second;
}

std::string_view staticQstrText(int id) {
    if (id < 1 || id > kNumStaticQstrs) return {};
    return kStaticQstrs[id - 1];
}

bool isBuiltinQstr(std::string_view text) {
    return staticQstrId(text) != 0 || otherBuiltinIndex().contains(text);
}

} // namespace mpyseal::mpy
