// MicroPython source to .mpy compiler (byte-identical to mpy-cross 1.29 for bytecode output).
// Behaviour reference: ../shared/reference/mpy-format.md §5 and §6.1.
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mpyseal::compiler {

enum class CodeEmitter : uint8_t { Bytecode, Native, Viper };

struct CompileOptions {
    /// Stored as qstr 0 and used in diagnostics: mpy-cross's `-s NAME`, else the input path as typed
    /// (backslashes turned into '/'), or "<stdin>".
    std::string sourceName = "<stdin>";
    int optimizeLevel = 0;   ///< -O level: >=1 drops asserts and makes __debug__ False; >=3 drops lines
    int smallIntBits = 31;   ///< -msmall-int-bits=N; header byte 3 and the inline small-int range
    bool sourceLines = true; ///< -X no-source-lines sets false
    CodeEmitter defaultEmitter = CodeEmitter::Bytecode; ///< -X emit=...
    bool archGiven = false; ///< -march=... was given (native decorators become legal)

    /// .mpy version to emit: 6 (MicroPython 1.19+, the default) or 5 (MicroPython 1.12-1.18). Version 5 also
    /// selects MicroPython 1.13's compiler behaviour (../shared/reference/mpy-v5.md §5): integer-only
    /// folding, no constant tuples, no dead-code removal, its own float text, and its language level (no
    /// f-strings).
    int mpyVersion = 6;
    bool unicode = true; ///< v5 only: -mno-unicode clears it (header bit 1; escapes < 0x100 become bytes)
    bool cacheLookupBc = false; ///< v5 only: -mcache-lookup-bc (header bit 0; a cache byte after 4 opcodes)
    bool modernSyntax = false;  ///< v5 only: accept f-strings, compiled as the equivalent str.format call
};

/// A compile failure, formatted exactly as mpy-cross prints it.
class CompileError : public std::runtime_error {
  public:
    /// `line` 0 means no line; an empty `scope` omits ", in SCOPE" (parse-stage errors have none).
    /// `withTraceback` false prints only "TYPE: message" (e.g. "RuntimeError: bytecode overflow").
    CompileError(std::string file, int line, std::string scope, std::string exceptionType,
                 std::string message, bool withTraceback = true);
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& scope() const { return scope_; }
    const std::string& exceptionType() const { return type_; }
    const std::string& message() const { return message_; }
    /// The complete stderr text mpy-cross writes, e.g.
    /// "Traceback (most recent call last):\n  File \"x.py\", line 5, in <module>\nSyntaxError: ...\n".
    std::string format() const;

  private:
    std::string file_;
    int line_;
    std::string scope_;
    std::string type_;
    std::string message_;
    bool withTraceback_;
};

/// Compiles one module's source text to the .mpy model. Throws CompileError on any syntax or compile
/// error (never a partial result). Arbitrary bytes are accepted as input (invalid UTF-8, NUL bytes,
/// deep nesting) and give an error rather than a crash.
mpy::MpyFile compileModule(std::string_view source, const CompileOptions& options);

/// compileModule followed by mpy::writeMpy.
std::vector<uint8_t> compileToMpy(std::string_view source, const CompileOptions& options);

} // namespace mpyseal::compiler
