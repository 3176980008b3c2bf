// .mpy v6 reader and validator for untrusted input (mpy-format.md §1, §2); version 5 files are handed to
// MpyV5Reader.cpp.
//
// Everything is bounds-checked against the remaining input before anything is allocated, recursion is
// depth-limited, and every index inside the bytecode is checked against the table it refers to, so that a
// file accepted here can be disassembled or executed without further structural checks.
#include "mpyseal/mpy/MpyReader.h"

#include "MpyInternal.h"
#include "mpyseal/mpy/Bytecode.h"
#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/Opcodes.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace mpyseal::mpy {

namespace detail {

namespace {
constexpr uint8_t kHighestArch = 12;
} // namespace

const char* constantKindName(Constant::Kind kind) {
    switch (kind) {
    case Constant::Kind::None: return "None";
    case Constant::Kind::False: return "False";
    case Constant::Kind::True: return "True";
    case Constant::Kind::Ellipsis: return "Ellipsis";
    case Constant::Kind::Str: return "str";
    case Constant::Kind::Bytes: return "bytes";
    case Constant::Kind::Int: return "int";
    case Constant::Kind::Float: return "float";
    case Constant::Kind::Complex: return "complex";
    case Constant::Kind::Tuple: return "tuple";
    }
    return "?";
}

std::string joinPath(std::string_view parent, std::string_view name) {
    std::string path = parent.empty() ? std::string(name) : fmt::format("{}/{}", parent, name);
    if (path.size() > kMaxPathInMessage) path = "..." + path.substr(path.size() - kMaxPathInMessage);
    return path;
}

std::string rawCodeLocation(std::string_view parentPath, uint64_t childIndex) {
    return parentPath.empty() ? std::string("the top-level raw code")
                              : fmt::format("child {} of raw code {}", childIndex, parentPath);
}

std::string shortText(std::string_view s, size_t max) {
    std::string out;
    for (unsigned char ch : s.substr(0, max)) {
        if (ch >= 0x20 && ch < 0x7f)
            out += char(ch);
        else
            out += fmt::format("\\x{:02x}", ch);
    }
    if (s.size() > max) out += "...";
    return out;
}

namespace {

bool isDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// Decimal int text as written by mpy-cross: optional '-', digits (§1.5 tag 7).
bool isIntText(std::string_view s) {
    if (!s.empty() && s[0] == '-') s.remove_prefix(1);
    return isDigits(s);
}

// Float repr text (§5.9): optional '-', then "inf", "nan", or digits [. digits] [e [+-] digits].
bool isFloatText(std::string_view s) {
    if (!s.empty() && s[0] == '-') s.remove_prefix(1);
    if (s == "inf" || s == "nan") return true;
    size_t i = 0;
    auto digits = [&] {
        size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i > start;
    };
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        digits();
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size();
}

// Complex constants are pure imaginary: float text followed by 'j' (§1.5 tag 9).
bool isComplexText(std::string_view s) {
    return s.size() >= 2 && s.back() == 'j' && isFloatText(s.substr(0, s.size() - 1));
}

} // namespace

bool isValidConstantText(const Constant& c) {
    switch (c.kind) {
    case Constant::Kind::Int: return isIntText(c.text);
    case Constant::Kind::Float: return isFloatText(c.text);
    case Constant::Kind::Complex: return isComplexText(c.text);
    default: return true;
    }
}

uint64_t readBytecodeKindLen(ByteCursor& cur, std::string_view where, uint32_t depth,
                             const ReadLimits& limits) {
    if (depth > limits.maxNestingDepth)
        throw MpyFormatError(fmt::format("{} is nested deeper than {}", where, limits.maxNestingDepth));
    const size_t start = cur.position();
    const uint64_t kindLen = cur.readVuint("raw code header");
    if (const uint64_t kind = kindLen & 3; kind != 0) {
        static constexpr const char* kNames[] = {"bytecode", "native Python", "viper", "inline assembler"};
        throw MpyFormatError(fmt::format("{} at offset {}: kind {} ({}) is not supported, only bytecode raw "
                                         "codes are",
                                         where, start, kind, kNames[kind]));
    }
    return kindLen;
}

void checkNoTrailingBytes(const ByteCursor& cur) {
    if (!cur.atEnd())
        throw MpyFormatError(fmt::format("{} trailing byte{} after the top-level raw code at offset {}",
                                         cur.remaining(), cur.remaining() == 1 ? "" : "s", cur.position()));
}

MpyHeader readHeader(ByteCursor& cur, size_t inputSize) {
    if (inputSize < 4)
        throw MpyFormatError(
            fmt::format("truncated .mpy: the header needs 4 bytes, the input has {}", inputSize));
    MpyHeader h;
    const uint8_t magic = cur.readByte("magic");
    if (magic != 'M')
        throw MpyFormatError(fmt::format("not a .mpy file: byte 0 is 0x{:02x}, expected 0x4d ('M')", magic));
    h.version = cur.readByte("version");
    if (h.version != 6 && h.version != 5)
        throw MpyFormatError(fmt::format(
            "unsupported .mpy version {} at offset 1 (only versions 5 and 6 are supported)", int(h.version)));
    h.flags = cur.readByte("flags");
    h.smallIntBits = cur.readByte("small-int bits");
    if (h.version == 5) {
        // Bits 2..7 name the native architecture, which only files with native code carry (mpy-v5.md §1.3).
        if (h.flags & 0xfc)
            throw MpyFormatError(
                fmt::format("header byte 2 (0x{:02x}): native architecture {} in a v5 file; only "
                            "bytecode files (architecture 0) are supported",
                            h.flags, h.flags >> 2));
        const size_t at = cur.position();
        const uint64_t window = cur.readVuint("qstr window size");
        if (window > kV5QstrWindow)
            throw MpyFormatError(
                fmt::format("qstr window size {} at offset {} exceeds {} (loaders reject it)", window, at,
                            kV5QstrWindow));
        h.qstrWindowSize = uint32_t(window);
        h.size = cur.position();
        return h;
    }
    const uint8_t arch = (h.flags >> 2) & 0x0f;
    const uint8_t subVersion = h.flags & 3;
    if (h.flags & 0x80)
        throw MpyFormatError(fmt::format("header byte 2 (0x{:02x}) has the reserved bit 7 set", h.flags));
    // Loader rules (§1.3): with an architecture the sub-version must be 3; without, it is ignored.
    if (arch > kHighestArch)
        throw MpyFormatError(
            fmt::format("header byte 2 (0x{:02x}): unknown native architecture {}", h.flags, arch));
    if (arch != 0 && subVersion != 3)
        throw MpyFormatError(fmt::format("header byte 2 (0x{:02x}): sub-version {} is not 3 (native "
                                         "architecture {})",
                                         h.flags, subVersion, arch));
    if (h.flags & 0x40) h.archFlags = cur.readVuint("architecture flags");
    h.size = cur.position();
    return h;
}

} // namespace detail

namespace {

using namespace detail;

// The smallest possible bytecode raw code: kind_len, signature, prelude size, simple name, one opcode.
constexpr uint64_t kMinRawCodeBytes = 5;

class Reader {
  public:
    Reader(std::span<const uint8_t> bytes, const ReadLimits& limits)
        : bytes_(bytes), cur_(bytes), limits_(limits) {}

    MpyFile read() {
        readHeader();
        readTables();
        readRawCode(file_.root, 0, "", 0);
        checkNoTrailingBytes(cur_);
        // The opcode walk runs only once the whole structure is known to be sound, so truncated or
        // mis-sized input is rejected in time linear in its size.
        for (const Pending& p : pending_) validateBytecode(*p.rc, p.prelude, p.path, p.codeStart);
        return std::move(file_);
    }

  private:
    void readHeader() {
        const MpyHeader h = detail::readHeader(cur_, bytes_.size());
        file_.version = h.version;
        file_.flags = h.flags;
        file_.smallIntBits = h.smallIntBits;
        file_.archFlags = h.archFlags;
    }

    void readTables() {
        const uint64_t nQstr = cur_.readVuint("qstr count");
        const uint64_t nObj = cur_.readVuint("constant count");
        // Every qstr and constant entry takes at least one byte, the raw code at least kMinRawCodeBytes.
        const uint64_t room = cur_.remaining() > kMinRawCodeBytes ? cur_.remaining() - kMinRawCodeBytes : 0;
        if (nQstr > limits_.maxTableEntries || nQstr > room)
            throw MpyFormatError(fmt::format("qstr count {} is impossible: only {} bytes follow at offset {}",
                                             nQstr, cur_.remaining(), cur_.position()));
        if (nObj > limits_.maxTableEntries || nObj > room - nQstr)
            throw MpyFormatError(
                fmt::format("constant count {} is impossible: only {} bytes follow at offset {} "
                            "for {} qstrs and the constants",
                            nObj, cur_.remaining(), cur_.position(), nQstr));
        file_.qstrs.reserve(nQstr);
        for (uint64_t i = 0; i < nQstr; ++i) file_.qstrs.push_back(readQstr(i));
        file_.constants.reserve(nObj);
        for (uint64_t i = 0; i < nObj; ++i) file_.constants.push_back(readConstant(i, 0));
    }

    std::string readQstr(uint64_t index) {
        const size_t start = cur_.position();
        const uint64_t v = cur_.readVuint("qstr entry");
        if (v & 1) {
            const uint64_t id = v >> 1;
            if (id < 1 || id > uint64_t(kNumStaticQstrs))
                throw MpyFormatError(fmt::format("qstr {} at offset {}: static id {} out of range (1..{})",
                                                 index, start, id, kNumStaticQstrs));
            return std::string(staticQstrText(int(id)));
        }
        const uint64_t len = v >> 1;
        if (len >= cur_.remaining())
            throw MpyFormatError(
                fmt::format("truncated .mpy: qstr {} ({} bytes + NUL) needs {} bytes at offset "
                            "{}, {} remain",
                            index, len, len + 1, cur_.position(), cur_.remaining()));
        auto data = cur_.readBytes(len, "qstr data");
        std::string text(data.begin(), data.end());
        if (cur_.readByte("qstr terminator") != 0)
            throw MpyFormatError(fmt::format("qstr {} at offset {}: missing NUL terminator at offset {}",
                                             index, start, cur_.position() - 1));
        // mpy-cross always spells the 165 static strings by id; accepting an inline copy would make the
        // encoding ambiguous (and writeMpy(readMpy(x)) != x).
        if (int id = staticQstrId(text))
            throw MpyFormatError(
                fmt::format("qstr {} at offset {}: '{}' is static qstr {} but is written inline", index,
                            start, shortText(text, kMaxNameInMessage), id));
        return text;
    }

    Constant readConstant(uint64_t index, uint32_t depth) {
        const size_t start = cur_.position();
        const uint8_t tag = cur_.readByte("constant tag");
        Constant c;
        switch (tag) {
        case 0:
            throw MpyFormatError(fmt::format("constant {} at offset {}: native function table (tag 0) is not "
                                             "supported, only bytecode .mpy files are",
                                             index, start));
        case 1: c.kind = Constant::Kind::None; return c;
        case 2: c.kind = Constant::Kind::False; return c;
        case 3: c.kind = Constant::Kind::True; return c;
        case 4: c.kind = Constant::Kind::Ellipsis; return c;
        case 5: c.kind = Constant::Kind::Str; break;
        case 6: c.kind = Constant::Kind::Bytes; break;
        case 7: c.kind = Constant::Kind::Int; break;
        case 8: c.kind = Constant::Kind::Float; break;
        case 9: c.kind = Constant::Kind::Complex; break;
        case 10: c.kind = Constant::Kind::Tuple; break;
        default:
            throw MpyFormatError(fmt::format("constant {} at offset {}: unknown tag {}", index, start, tag));
        }
        const uint64_t n = cur_.readVuint("constant length");
        if (c.kind == Constant::Kind::Tuple) {
            if (depth + 1 > limits_.maxTupleDepth)
                throw MpyFormatError(fmt::format("constant {} at offset {}: tuples nested deeper than {}",
                                                 index, start, limits_.maxTupleDepth));
            if (n > cur_.remaining() || n > limits_.maxTableEntries)
                throw MpyFormatError(
                    fmt::format("truncated .mpy: constant {} (tuple of {} items) needs at least {} "
                                "bytes at offset {}, {} remain",
                                index, n, n, cur_.position(), cur_.remaining()));
            c.items.reserve(n);
            for (uint64_t i = 0; i < n; ++i) c.items.push_back(readConstant(index, depth + 1));
            return c;
        }
        const bool nul = c.kind == Constant::Kind::Str || c.kind == Constant::Kind::Bytes;
        const uint64_t need = n + (nul ? 1 : 0);
        if (n >= cur_.remaining() + (nul ? 0 : 1))
            throw MpyFormatError(
                fmt::format("truncated .mpy: constant {} ({}) needs {} bytes at offset {}, {} remain", index,
                            constantKindName(c.kind), need, cur_.position(), cur_.remaining()));
        auto data = cur_.readBytes(n, "constant data");
        c.text.assign(data.begin(), data.end());
        if (nul && cur_.readByte("constant terminator") != 0)
            throw MpyFormatError(
                fmt::format("constant {} ({}) at offset {}: missing NUL terminator at offset {}", index,
                            constantKindName(c.kind), start, cur_.position() - 1));
        if (!isValidConstantText(c))
            throw MpyFormatError(fmt::format("constant {} at offset {}: '{}' is not valid {} text", index,
                                             start, shortText(c.text, kMaxNameInMessage),
                                             constantKindName(c.kind)));
        return c;
    }

    std::string qstrForMessage(uint64_t index) const {
        return index < file_.qstrs.size() ? shortText(file_.qstrs[index], kMaxNameInMessage) : "?";
    }

    void readRawCode(RawCode& rc, uint32_t depth, std::string_view parentPath, uint64_t childIndex) {
        const std::string where = rawCodeLocation(parentPath, childIndex);
        const uint64_t kindLen = readBytecodeKindLen(cur_, where, depth, limits_);
        rc.kind = RawCodeKind::Bytecode;
        const bool hasChildren = (kindLen >> 2) & 1;
        const uint64_t len = kindLen >> 3;
        if (len > cur_.remaining())
            throw MpyFormatError(
                fmt::format("truncated .mpy: {} (code of {} bytes) needs {} bytes at offset {}, "
                            "{} remain",
                            where, len, len, cur_.position(), cur_.remaining()));
        const size_t codeStart = cur_.position();
        auto code = cur_.readBytes(len, "raw code");
        rc.code.assign(code.begin(), code.end());

        Prelude prelude;
        try {
            prelude = decodePrelude(code);
        } catch (const MpyFormatError& e) {
            throw MpyFormatError(fmt::format("{} (code at file offset {}): {}", where, codeStart, e.what()));
        }
        if (prelude.simpleName >= file_.qstrs.size())
            throw MpyFormatError(
                fmt::format("{} (code at file offset {}): simple name qstr index {} out of range "
                            "({} qstrs)",
                            where, codeStart, prelude.simpleName, file_.qstrs.size()));
        const std::string path = joinPath(parentPath, qstrForMessage(prelude.simpleName));

        uint64_t nChildren = 0;
        if (hasChildren) {
            const size_t countAt = cur_.position();
            nChildren = cur_.readVuint("child count");
            if (nChildren == 0)
                throw MpyFormatError(
                    fmt::format("raw code {}: has_children is set but the child count at offset {} "
                                "is 0",
                                path, countAt));
            if (nChildren > limits_.maxTableEntries || nChildren > cur_.remaining() / kMinRawCodeBytes)
                throw MpyFormatError(
                    fmt::format("truncated .mpy: raw code {} declares {} children at offset {} but "
                                "only {} bytes remain",
                                path, nChildren, countAt, cur_.remaining()));
        }
        pending_.push_back({&rc, std::move(prelude), path, codeStart});

        rc.children.reserve(nChildren);
        for (uint64_t i = 0; i < nChildren; ++i) {
            rc.children.emplace_back();
            readRawCode(rc.children.back(), depth + 1, path, i);
        }
    }

    void validateBytecode(const RawCode& rc, const Prelude& p, const std::string& path,
                          size_t codeStart) const {
        const std::span<const uint8_t> code = rc.code;
        const uint64_t nChildren = rc.children.size();
        const uint64_t nQstr = file_.qstrs.size();
        const Signature& sig = p.signature;
        auto fail = [&](const std::string& msg) {
            throw MpyFormatError(
                fmt::format("raw code {} (code at file offset {}): {}", path, codeStart, msg));
        };
        for (size_t i = 0; i < p.argNames.size(); ++i)
            if (p.argNames[i] >= nQstr)
                fail(fmt::format("argument name {} qstr index {} out of range ({} qstrs)", i, p.argNames[i],
                                 nQstr));
        try {
            decodeLineTable(p.lineTable);
        } catch (const MpyFormatError& e) {
            fail(e.what());
        }
        checkPreludeFields(p, code.size(), fail);

        const auto opcodes = code.subspan(p.opcodeOffset);
        const auto decode = [&](size_t offset) {
            try {
                return decodeInstruction(opcodes, offset);
            } catch (const MpyFormatError& e) {
                throw MpyFormatError(fmt::format("bytecode of raw code {} (opcodes at file offset {}): {}",
                                                 path, codeStart + p.opcodeOffset, e.what()));
            }
        };
        const auto opFail = [&](const Instruction& ins, const std::string& msg) {
            throw MpyFormatError(fmt::format("bytecode of raw code {} at offset {} (file offset {}): {} {}",
                                             path, ins.offset, codeStart + p.opcodeOffset + ins.offset,
                                             opcodeInfo(ins.opcode).name, msg));
        };
        const auto check = [&](const Instruction& ins) {
            switch (Op(ins.opcode)) {
            case Op::LoadConstObj:
                if (ins.arg >= file_.constants.size())
                    opFail(ins, fmt::format("index {} out of range ({} constants)", ins.arg,
                                            file_.constants.size()));
                break;
            case Op::MakeFunction:
            case Op::MakeFunctionDefargs:
            case Op::MakeClosure:
            case Op::MakeClosureDefargs:
                if (ins.arg >= nChildren)
                    opFail(ins, fmt::format("child index {} out of range ({} children)", ins.arg, nChildren));
                break;
            default: break;
            }
            checkCommonOperands(ins, sig, nQstr, file_.smallIntBits, opcodes.size(), opFail);
        };
        checkOpcodes(opcodes, decode, check, opFail);
    }

    // A raw code whose bytecode is validated after the whole structure has been read. The pointer stays
    // valid: every children vector is reserved before it is filled and never grows past that.
    struct Pending {
        const RawCode* rc;
        Prelude prelude; // spans into the input bytes
        std::string path;
        size_t codeStart;
    };

    std::span<const uint8_t> bytes_;
    ByteCursor cur_;
    std::vector<Pending> pending_;
    const ReadLimits& limits_;
    MpyFile file_;
};

} // namespace

MpyHeader readMpyHeader(std::span<const uint8_t> bytes) {
    ByteCursor cur(bytes);
    return detail::readHeader(cur, bytes.size());
}

MpyFile readMpy(std::span<const uint8_t> bytes, const ReadLimits& limits) {
    if (bytes.size() >= 2 && bytes[0] == 'M' && bytes[1] == 5) return detail::readMpyV5(bytes, limits);
    return Reader(bytes, limits).read();
}

} // namespace mpyseal::mpy
