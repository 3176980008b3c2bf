// Human-readable .mpy listings; the format is documented in Disassembler.h.
#include "mpyseal/mpy/Disassembler.h"

#include "MpyInternal.h"

#include "mpyseal/mpy/Bytecode.h"
#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/Opcodes.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <fmt/format.h>

#include <string_view>

namespace mpyseal::mpy {

namespace {

// Operands quoted inside opcode lines are shortened so that a hostile file referencing one huge constant
// many times cannot blow the listing up quadratically.
constexpr size_t kMaxOperandText = 80;

bool isValidUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        size_t n;
        if (b < 0x80)
            n = 0;
        else if ((b & 0xe0) == 0xc0)
            n = 1;
        else if ((b & 0xf0) == 0xe0)
            n = 2;
        else if ((b & 0xf8) == 0xf0)
            n = 3;
        else
            return false;
        if (i + n >= s.size()) return false;
        for (size_t k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

// Escapes control characters (and, for bytes or invalid UTF-8, every non-ASCII byte) Python-style.
void appendEscaped(std::string& out, std::string_view s, char quote, bool asciiOnly) {
    for (char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        switch (ch) {
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (quote && ch == quote) {
            out += '\\';
            out += ch;
        } else if (b < 0x20 || b == 0x7f || (b >= 0x80 && asciiOnly)) {
            out += fmt::format("\\x{:02x}", b);
        } else {
            out += ch;
        }
    }
}

// Keeps at most `max` bytes of `s`, cut at a UTF-8 character boundary; sets `clipped` if anything was cut.
std::string_view clip(std::string_view s, size_t max, bool& clipped) {
    clipped = s.size() > max;
    if (!clipped) return s;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    return s.substr(0, cut);
}

std::string quoted(std::string_view s, size_t max = std::string_view::npos) {
    bool clipped;
    s = clip(s, max, clipped);
    std::string out = "'";
    appendEscaped(out, s, '\'', !isValidUtf8(s));
    out += '\'';
    if (clipped) out += "...";
    return out;
}

std::string bare(std::string_view s, size_t max = std::string_view::npos) {
    bool clipped;
    s = clip(s, max, clipped);
    std::string out;
    appendEscaped(out, s, 0, !isValidUtf8(s));
    if (clipped) out += "...";
    return out;
}

// Python-style repr; stops (with "...") once `out` has grown past `limit`, so the cost is bounded too.
void appendRepr(std::string& out, const Constant& c, size_t limit) {
    switch (c.kind) {
    case Constant::Kind::None: out += "None"; return;
    case Constant::Kind::False: out += "False"; return;
    case Constant::Kind::True: out += "True"; return;
    case Constant::Kind::Ellipsis: out += "Ellipsis"; return;
    case Constant::Kind::Str: out += quoted(c.text, limit); return;
    case Constant::Kind::Bytes: {
        bool clipped;
        const std::string_view text = clip(c.text, limit, clipped);
        out += "b'";
        appendEscaped(out, text, '\'', true);
        out += clipped ? "'..." : "'";
        return;
    }
    case Constant::Kind::Int:
    case Constant::Kind::Float:
    case Constant::Kind::Complex: out += bare(c.text, limit); return;
    case Constant::Kind::Tuple:
        out += '(';
        for (size_t i = 0; i < c.items.size(); ++i) {
            if (i) out += ", ";
            if (out.size() > limit) {
                out += "...";
                break;
            }
            appendRepr(out, c.items[i], limit);
        }
        out += c.items.size() == 1 ? ",)" : ")";
        return;
    }
    out += "<?>";
}

std::string repr(const Constant& c, size_t limit = std::string_view::npos) {
    std::string out;
    appendRepr(out, c, limit);
    return out;
}

std::string scopeFlagsText(uint32_t flags) {
    std::string out;
    auto add = [&](uint32_t bit, const char* name) {
        if (!(flags & bit)) return;
        if (!out.empty()) out += ", ";
        out += name;
    };
    add(kScopeFlagGenerator, "generator");
    add(kScopeFlagVarKeywords, "**kwargs");
    add(kScopeFlagVarArgs, "*args");
    add(kScopeFlagDefKwArgs, "kw defaults");
    return out;
}

class Lister {
  public:
    Lister(const MpyFile& file, bool full)
        : file_(file), full_(full), v5_(file.version == 5), cacheLookup_(v5_ && (file.flags & 1)) {}

    std::string run() {
        if (full_) header();
        rawCode(file_.root, 0, "");
        return std::move(out_);
    }

  private:
    std::string qstrText(uint64_t index, size_t max = std::string_view::npos) const {
        return index < file_.qstrs.size() ? bare(file_.qstrs[index], max)
                                          : fmt::format("<bad qstr {}>", index);
    }

    void header() {
        if (v5_) {
            // v5 has no module tables: qstrs are inline and constants per function (mpy-v5.md §1).
            std::string flags;
            if (file_.flags & 1) flags = "cache-lookup-bc";
            if (file_.flags & 2) flags += flags.empty() ? "unicode" : ", unicode";
            if (file_.flags & 0xfc)
                flags += fmt::format("{}arch {}", flags.empty() ? "" : ", ", file_.flags >> 2);
            out_ += fmt::format("mpy version 5, flags 0x{:02x} ({}), small int bits {}\n", file_.flags,
                                flags.empty() ? "no unicode, no cache" : flags, int(file_.smallIntBits));
            out_ += fmt::format("qstr window size {}\n", file_.v5QstrWindowSize);
            return;
        }
        out_ += fmt::format("mpy version {}, flags 0x{:02x} (arch {}, sub-version {}), small int bits {}\n",
                            int(file_.version), file_.flags, (file_.flags >> 2) & 0xf, file_.flags & 3,
                            int(file_.smallIntBits));
        if (file_.flags & 0x40) out_ += fmt::format("arch flags 0x{:x}\n", file_.archFlags);
        out_ += fmt::format("qstrs ({}):\n", file_.qstrs.size());
        for (size_t i = 0; i < file_.qstrs.size(); ++i) {
            out_ += fmt::format("  {} {}", i, quoted(file_.qstrs[i]));
            if (int id = staticQstrId(file_.qstrs[i])) out_ += fmt::format(" (static {})", id);
            out_ += '\n';
        }
        out_ += fmt::format("constants ({}):\n", file_.constants.size());
        for (size_t i = 0; i < file_.constants.size(); ++i)
            out_ += fmt::format("  {} {} {}\n", i, detail::constantKindName(file_.constants[i].kind),
                                repr(file_.constants[i]));
    }

    void rawCode(const RawCode& rc, size_t depth, const std::string& parentPath) {
        // Only the full listing shows nesting by indentation; disassembleCode names each raw code by path.
        const std::string indent(full_ ? 2 * depth : 0, ' ');
        if (rc.kind != RawCodeKind::Bytecode)
            throw MpyFormatError(fmt::format("raw code under '{}' is native code (kind {}), which cannot be "
                                             "disassembled",
                                             parentPath, int(rc.kind)));
        Prelude p;
        try {
            p = v5_ ? decodePreludeV5(rc.code) : decodePrelude(rc.code);
        } catch (const MpyFormatError& e) {
            throw MpyFormatError(fmt::format("raw code under '{}': {}", parentPath, e.what()));
        }
        const std::string name = qstrText(p.simpleName, kMaxOperandText);
        const std::string path = detail::joinPath(parentPath, name);
        std::vector<LineMapping> lines;
        try {
            lines = decodeLineTable(p.lineTable);
        } catch (const MpyFormatError& e) {
            throw MpyFormatError(fmt::format("raw code {}: {}", path, e.what()));
        }
        if (full_) {
            const Signature& s = p.signature;
            out_ += fmt::format("{}raw code {}: bytecode, {} code bytes, {} child{}\n", indent, path,
                                rc.code.size(), rc.children.size(), rc.children.size() == 1 ? "" : "ren");
            const std::string flagsText = scopeFlagsText(s.scopeFlags);
            out_ += fmt::format(
                "{}  n_state {}, n_exc_stack {}, flags 0x{:02x}{}, n_pos_args {}, n_kwonly_args {}, "
                "n_def_pos_args {}\n",
                indent, s.nState, s.nExcStack, s.scopeFlags, flagsText.empty() ? "" : " (" + flagsText + ")",
                s.nPosArgs, s.nKwonlyArgs, s.nDefPosArgs);
            if (v5_) {
                // No qstr numbers: they are an artefact of the in-memory model, not of the file.
                out_ += fmt::format("{}  simple name: {}, source file: {}\n", indent, name,
                                    qstrText(p.sourceFile, kMaxOperandText));
                v5Tables(rc, p, indent);
            } else {
                out_ += fmt::format("{}  simple name: {} (qstr {})\n", indent, name, p.simpleName);
            }
            if (!p.argNames.empty()) {
                out_ += indent + "  arg names:";
                for (uint64_t q : p.argNames) out_ += " " + qstrText(q, kMaxOperandText);
                out_ += '\n';
            }
            if (!p.cells.empty()) {
                out_ += indent + "  cells:";
                for (uint8_t cell : p.cells) out_ += fmt::format(" {}", cell);
                out_ += '\n';
            }
            out_ += indent + "  line table:";
            for (uint8_t b : p.lineTable) out_ += fmt::format(" {:02x}", b);
            out_ += " ->";
            for (const LineMapping& m : lines) out_ += fmt::format(" {}:{}", m.offset, m.line);
            out_ += '\n';
        } else {
            out_ += path + ":\n";
        }
        opcodes(rc, p, lines, indent, path);
        for (const RawCode& child : rc.children) rawCode(child, depth + 1, path);
    }

    // The per-function constant table of v5 (mpy-v5.md §1.7.5): argument names, then the objects, listed with
    // their table index (the LOAD_CONST_OBJ operand).
    void v5Tables(const RawCode& rc, const Prelude& p, const std::string& indent) {
        if (!rc.v5ArgNames.empty()) {
            out_ += indent + "  arg names:";
            for (const std::string& name : rc.v5ArgNames) out_ += " " + bare(name, kMaxOperandText);
            out_ += '\n';
        }
        if (rc.v5Constants.empty()) return;
        const uint64_t first = uint64_t(p.signature.nPosArgs) + p.signature.nKwonlyArgs;
        out_ += fmt::format("{}  objects ({}):\n", indent, rc.v5Constants.size());
        for (size_t i = 0; i < rc.v5Constants.size(); ++i)
            out_ += fmt::format("{}    {} {} {}\n", indent, first + i,
                                detail::constantKindName(rc.v5Constants[i].kind),
                                repr(rc.v5Constants[i], kMaxOperandText));
    }

    void opcodes(const RawCode& rc, const Prelude& p, const std::vector<LineMapping>& lines,
                 const std::string& indent, const std::string& path) {
        const auto ops = std::span<const uint8_t>(rc.code).subspan(p.opcodeOffset);
        size_t nextMapping = 0;
        uint64_t line = 1, shownLine = 1;
        for (size_t offset = 0; offset < ops.size();) {
            Instruction ins;
            try {
                ins = v5_ ? decodeInstructionV5(ops, offset, cacheLookup_) : decodeInstruction(ops, offset);
            } catch (const MpyFormatError& e) {
                throw MpyFormatError(fmt::format("raw code {}: {}", path, e.what()));
            }
            // Line of an offset = line of the last table entry at or before it (§1.8 lookup).
            while (nextMapping < lines.size() && lines[nextMapping].offset <= offset)
                line = lines[nextMapping++].line;
            out_ += fmt::format("{}  {:02d} {}", indent, offset, opcodeInfo(ins.opcode).name);
            const std::string operand = operandText(ins, rc, p);
            if (!operand.empty()) out_ += " " + operand;
            if (line != shownLine) {
                out_ += fmt::format("  ; line {}", line);
                shownLine = line;
            }
            out_ += '\n';
            offset += ins.size;
        }
    }

    std::string operandText(const Instruction& ins, const RawCode& rc, const Prelude& p) const {
        const uint8_t op = ins.opcode;
        const OpcodeInfo& info = opcodeInfo(op);
        if (op >= kLoadConstSmallIntMulti && op < kLoadConstSmallIntMulti + 64)
            return fmt::format("{}", ins.smallInt);
        if (op >= kUnaryOpMulti && op < kUnaryOpMulti + 4) return std::string(unaryOpName(int(ins.arg)));
        if (op >= kBinaryOpMulti && op < kBinaryOpMulti + kNumBytecodeBinaryOps)
            return std::string(binaryOpName(int(ins.arg)));
        if (isLocalNumberOpcode(op)) return fmt::format("{}", ins.arg);
        switch (info.operand) {
        case OperandKind::None: return {};
        case OperandKind::Qstr:
            if (op == uint8_t(Op::LoadConstString) && ins.arg < file_.qstrs.size())
                return quoted(file_.qstrs[ins.arg], kMaxOperandText);
            return qstrText(ins.arg, kMaxOperandText);
        case OperandKind::SignedInt: return fmt::format("{}", ins.smallInt);
        case OperandKind::SignedJump:
        case OperandKind::UnsignedJump:
            if (op == uint8_t(Op::UnwindJump))
                return fmt::format("{} unwind={}{}", ins.jumpTarget, ins.extra & 0x7f,
                                   (ins.extra & 0x80) ? " pop_iter" : "");
            return fmt::format("{}", ins.jumpTarget);
        case OperandKind::Uint: break;
        }
        if (v5_) return v5TableOperand(ins, rc, p);
        switch (Op(op)) {
        case Op::LoadConstObj:
            if (ins.arg < file_.constants.size()) return repr(file_.constants[ins.arg], kMaxOperandText);
            return fmt::format("<bad constant {}>", ins.arg);
        case Op::MakeFunction:
        case Op::MakeFunctionDefargs:
            if (ins.arg >= rc.children.size()) return fmt::format("<bad child {}>", ins.arg);
            return fmt::format("{}", ins.arg);
        case Op::MakeClosure:
        case Op::MakeClosureDefargs:
            if (ins.arg >= rc.children.size())
                return fmt::format("<bad child {}> cells={}", ins.arg, ins.extra);
            return fmt::format("{} cells={}", ins.arg, ins.extra);
        default: return operandTextCommon(ins);
        }
    }

    // Var-uint operands whose meaning does not depend on the version.
    static std::string operandTextCommon(const Instruction& ins) {
        switch (Op(ins.opcode)) {
        case Op::CallFunction:
        case Op::CallFunctionVarKw:
        case Op::CallMethod:
        case Op::CallMethodVarKw: return fmt::format("pos={} kw={}", ins.arg & 0xff, ins.arg >> 8);
        case Op::UnpackEx: return fmt::format("before={} after={}", ins.arg & 0xff, ins.arg >> 8);
        case Op::StoreComp: {
            static constexpr const char* kKinds[] = {"list", "dict", "set", "?"};
            return fmt::format("{} distance={}", kKinds[ins.arg & 3], ins.arg >> 2);
        }
        default: return fmt::format("{}", ins.arg);
        }
    }

    // v5 LOAD_CONST_OBJ / MAKE_* operands index the function's constant table (§1.7.5); they are shown as
    // the object / the child index, exactly as the v6 listing shows them.
    std::string v5TableOperand(const Instruction& ins, const RawCode& rc, const Prelude& p) const {
        const uint64_t firstObj = uint64_t(p.signature.nPosArgs) + p.signature.nKwonlyArgs;
        const uint64_t firstChild = firstObj + rc.v5Constants.size();
        const auto child = [&]() {
            if (ins.arg < firstChild || ins.arg - firstChild >= rc.children.size())
                return fmt::format("<bad child {}>", ins.arg);
            return fmt::format("{}", ins.arg - firstChild);
        };
        switch (Op(ins.opcode)) {
        case Op::LoadConstObj:
            if (ins.arg < firstObj || ins.arg >= firstChild) return fmt::format("<bad constant {}>", ins.arg);
            return repr(rc.v5Constants[ins.arg - firstObj], kMaxOperandText);
        case Op::MakeFunction:
        case Op::MakeFunctionDefargs: return child();
        case Op::MakeClosure:
        case Op::MakeClosureDefargs: return fmt::format("{} cells={}", child(), ins.extra);
        default: break;
        }
        // Everything else is shared with v6: reuse its formatting with the same instruction.
        return operandTextCommon(ins);
    }

    const MpyFile& file_;
    bool full_;
    bool v5_;
    bool cacheLookup_;
    std::string out_;
};

} // namespace

std::string disassemble(const MpyFile& file) {
    return Lister(file, true).run();
}

std::string disassembleCode(const MpyFile& file) {
    return Lister(file, false).run();
}

} // namespace mpyseal::mpy
