// .mpy version 5 reader and validator for untrusted input (mpy-v5.md §1, §2).
//
// The file spells qstrs through a move-to-front window shared by the whole file (§1.4), so the raw codes
// must be read strictly in file order. While reading, each raw code's in-memory image (the layout of the
// RawCode contract: 2-byte qstr indices) is rebuilt; its size must come out exactly as the header's mem_len.
// The semantic checks of the opcodes (indices, jump targets) need the function's object and child counts,
// which follow the code, so they run once the whole structure has been read, as in the v6 reader.
#include "MpyInternal.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

namespace mpyseal::mpy::detail {

namespace {

// The smallest possible bytecode raw code in a v5 file: kind_len, signature, prelude size, simple name,
// source file, line-table terminator, one opcode, n_obj, n_raw_code.
constexpr uint64_t kMinRawCodeBytes = 9;
// In-memory qstr operands are 16 bits wide.
constexpr uint64_t kMaxQstrs = 0x10000;

std::array<int32_t, kNumStaticQstrs + 1> makeStaticPool() {
    std::array<int32_t, kNumStaticQstrs + 1> a;
    a.fill(-1);
    return a;
}

class V5Reader {
  public:
    V5Reader(std::span<const uint8_t> bytes, const ReadLimits& limits)
        : bytes_(bytes), cur_(bytes), limits_(limits) {}

    MpyFile read() {
        const MpyHeader h = readHeader(cur_, bytes_.size());
        file_.version = 5;
        file_.flags = h.flags;
        file_.smallIntBits = h.smallIntBits;
        file_.v5QstrWindowSize = h.qstrWindowSize;
        cacheLookup_ = h.flags & 1;
        readRawCode(file_.root, 0, "", 0);
        checkNoTrailingBytes(cur_);
        for (const Pending& p : pending_) validateBytecode(*p.rc, p.path, p.codeStart);
        return std::move(file_);
    }

  private:
    // One qstr in the §1.4 encoding; updates the window exactly as the v1.13 loader does. Returns its entry
    // in pool_: the window holds pool ids, so that a window hit costs O(1) however long the string is (a
    // hostile file could otherwise refer to one huge string a million times with one byte each).
    uint32_t readQstr(std::string_view what) {
        const size_t start = cur_.position();
        const uint64_t v = cur_.readVuint("qstr");
        if (v == 0) {
            const uint8_t id = cur_.readByte("static qstr id");
            if (id < 1 || id > kNumStaticQstrs)
                throw MpyFormatError(fmt::format("{} at offset {}: static qstr id {} out of range (1..{})",
                                                 what, start, id, kNumStaticQstrs));
            if (staticPool_[id] < 0) {
                staticPool_[id] = int32_t(pool_.size());
                pool_.push_back({std::string(staticQstrText(id))});
            }
            return uint32_t(staticPool_[id]);
        }
        if (v & 1) {
            const uint64_t index = v >> 1;
            if (index >= window_.size())
                throw MpyFormatError(
                    fmt::format("{} at offset {}: qstr window index {} out of range (the window "
                                "holds {} string{})",
                                what, start, index, window_.size(), window_.size() == 1 ? "" : "s"));
            std::rotate(window_.begin(), window_.begin() + ptrdiff_t(index),
                        window_.begin() + ptrdiff_t(index) + 1);
            return window_.front();
        }
        const uint64_t len = v >> 1;
        if (len > cur_.remaining())
            throw MpyFormatError(
                fmt::format("truncated .mpy: {} ({} bytes) at offset {} needs {} bytes, {} remain", what, len,
                            start, len, cur_.remaining()));
        auto data = cur_.readBytes(size_t(len), "qstr data");
        std::string text(data.begin(), data.end());
        // mpy-cross spells static strings by id and repeats by window index; accepting another spelling
        // would make the encoding ambiguous (and writeMpy(readMpy(x)) != x).
        if (int id = staticQstrId(text))
            throw MpyFormatError(fmt::format("{} at offset {}: '{}' is static qstr {} but is written inline",
                                             what, start, shortText(text, kMaxNameInMessage), id));
        for (size_t i = 0; i < window_.size(); ++i)
            if (pool_[window_[i]].text == text)
                throw MpyFormatError(fmt::format("{} at offset {}: '{}' is at qstr window index {} but is "
                                                 "written inline",
                                                 what, start, shortText(text, kMaxNameInMessage), i));
        const auto poolId = uint32_t(pool_.size());
        pool_.push_back({std::move(text)});
        window_.insert(window_.begin(), poolId);
        if (window_.size() > kV5QstrWindow) window_.pop_back();
        return poolId;
    }

    // Index in MpyFile::qstrs of the string of pool entry `poolId`, numbering strings in order of first
    // appearance in the code (a string evicted and re-sent gets a new pool entry but keeps its index).
    uint16_t qstrIndex(uint32_t poolId, size_t offset) {
        PoolEntry& entry = pool_[poolId];
        if (entry.qstrIndex >= 0) return uint16_t(entry.qstrIndex);
        if (auto it = ids_.find(entry.text); it != ids_.end()) {
            entry.qstrIndex = it->second;
            return it->second;
        }
        const uint64_t limit = std::min<uint64_t>(kMaxQstrs, limits_.maxTableEntries);
        if (file_.qstrs.size() >= limit)
            throw MpyFormatError(
                fmt::format("qstr at offset {}: more than {} distinct qstrs in the code", offset, limit));
        const auto index = uint16_t(file_.qstrs.size());
        file_.qstrs.push_back(entry.text);
        ids_.emplace(entry.text, index);
        entry.qstrIndex = index;
        return index;
    }

    // Reads a qstr of the code and appends its 2-byte in-memory index to `code`; returns the pool entry.
    uint32_t readCodeQstr(std::vector<uint8_t>& code, std::string_view what) {
        const size_t at = cur_.position();
        const uint32_t poolId = readQstr(what);
        const uint16_t index = qstrIndex(poolId, at);
        code.push_back(uint8_t(index & 0xff));
        code.push_back(uint8_t(index >> 8));
        return poolId;
    }

    void appendRange(std::vector<uint8_t>& code, size_t from) {
        code.insert(code.end(), bytes_.begin() + ptrdiff_t(from),
                    bytes_.begin() + ptrdiff_t(cur_.position()));
    }

    // `path` names the raw code in messages (only built on failure: this runs once per object).
    Constant readObject(const std::string& path, uint64_t index) {
        const size_t start = cur_.position();
        const uint8_t tag = cur_.readByte("object tag");
        Constant c;
        switch (tag) {
        case 'e': c.kind = Constant::Kind::Ellipsis; return c;
        case 's': c.kind = Constant::Kind::Str; break;
        case 'b': c.kind = Constant::Kind::Bytes; break;
        case 'i': c.kind = Constant::Kind::Int; break;
        case 'f': c.kind = Constant::Kind::Float; break;
        case 'c': c.kind = Constant::Kind::Complex; break;
        default:
            throw MpyFormatError(
                fmt::format("raw code {}: object {} at offset {}: unknown tag 0x{:02x} (v5 objects are "
                            "s b i f c e)",
                            path, index, start, tag));
        }
        const uint64_t n = cur_.readVuint("object length");
        if (n > cur_.remaining())
            throw MpyFormatError(
                fmt::format("truncated .mpy: raw code {}: object {} ({}) needs {} bytes at offset {}, {} "
                            "remain",
                            path, index, constantKindName(c.kind), n, cur_.position(), cur_.remaining()));
        auto data = cur_.readBytes(size_t(n), "object data");
        c.text.assign(data.begin(), data.end());
        if (!isValidConstantText(c))
            throw MpyFormatError(fmt::format("raw code {}: object {} at offset {}: '{}' is not valid {} text",
                                             path, index, start, shortText(c.text, kMaxNameInMessage),
                                             constantKindName(c.kind)));
        return c;
    }

    void readRawCode(RawCode& rc, uint32_t depth, std::string_view parentPath, uint64_t childIndex) {
        const std::string where = rawCodeLocation(parentPath, childIndex);
        const size_t start = cur_.position();
        const uint64_t kindLen = readBytecodeKindLen(cur_, where, depth, limits_);
        rc.kind = RawCodeKind::Bytecode;
        const uint64_t memLen = kindLen >> 2;
        // Each file byte of the code rebuilds to at most 2 bytes in memory (a 1-byte window hit becomes a
        // 2-byte index), which bounds mem_len before anything is allocated.
        if (memLen > 2 * uint64_t(cur_.remaining()))
            throw MpyFormatError(
                fmt::format("truncated .mpy: {} at offset {}: mem_len {} cannot be rebuilt from "
                            "the {} bytes that remain",
                            where, start, memLen, cur_.remaining()));
        const size_t codeStart = cur_.position();
        std::vector<uint8_t> code;
        code.reserve(size_t(memLen));
        auto memFail = [&](const std::string& msg) {
            throw MpyFormatError(
                fmt::format("{} (code at file offset {}): mem_len mismatch: {}", where, codeStart, msg));
        };

        // Prelude: signature and prelude size verbatim, the two names as qstrs, the rest verbatim (§1.7).
        const Signature sig = readSignature(cur_);
        uint32_t nInfo = 0, nCell = 0;
        readPreludeSize(cur_, nInfo, nCell);
        appendRange(code, codeStart);
        if (nInfo < 5)
            throw MpyFormatError(
                fmt::format("{} (code at file offset {}): code-info size {} is below 5 (simple "
                            "name, source file, line-table terminator)",
                            where, codeStart, nInfo));
        if (code.size() + uint64_t(nInfo) + nCell > memLen)
            memFail(fmt::format("the prelude alone needs {} bytes in memory but mem_len is {}",
                                code.size() + uint64_t(nInfo) + nCell, memLen));
        const std::string& name = pool_[readCodeQstr(code, where + ": simple name")].text;
        const std::string path = joinPath(parentPath, shortText(name, kMaxNameInMessage));
        readCodeQstr(code, "raw code " + path + ": source file");
        const size_t restAt = cur_.position();
        cur_.readBytes(size_t(nInfo) - 4 + nCell, "line table and cells");
        appendRange(code, restAt);

        // Opcodes until the in-memory image reaches mem_len: the file does not delimit them otherwise.
        const size_t opcodesAt = code.size();
        while (code.size() < memLen) {
            const size_t opAt = cur_.position();
            const size_t memAt = code.size() - opcodesAt;
            const uint8_t op = cur_.readByte("opcode");
            const OpcodeInfo& info = opcodeInfo(op);
            if (info.name.empty())
                throw MpyFormatError(
                    fmt::format("bytecode of raw code {} at offset {} (file offset {}): unused "
                                "opcode 0x{:02x}",
                                path, memAt, opAt, op));
            code.push_back(op);
            const size_t operandAt = cur_.position();
            switch (info.operand) {
            case OperandKind::None: break;
            case OperandKind::Qstr:
                // The message context is only built on failure: this is the hot path of large files.
                try {
                    readCodeQstr(code, "qstr operand");
                } catch (const MpyFormatError& e) {
                    throw MpyFormatError(fmt::format("bytecode of raw code {} at offset {}: {}: {}", path,
                                                     memAt, info.name, e.what()));
                }
                if (cacheLookup_ && isV5CachedOpcode(op)) {
                    const size_t cacheAt = cur_.position();
                    const uint8_t cache = cur_.readByte("cache byte");
                    if (cache != 0)
                        throw MpyFormatError(
                            fmt::format("bytecode of raw code {} at offset {}: {} cache byte at "
                                        "file offset {} is 0x{:02x}, not 00",
                                        path, memAt, info.name, cacheAt, cache));
                    code.push_back(cache);
                }
                break;
            case OperandKind::Uint:
                cur_.readVuint("operand");
                appendRange(code, operandAt);
                break;
            case OperandKind::SignedInt:
                cur_.readSignedVarint("operand");
                appendRange(code, operandAt);
                break;
            case OperandKind::SignedJump:
            case OperandKind::UnsignedJump:
                cur_.readBytes(2, "jump offset");
                appendRange(code, operandAt);
                break;
            }
            if (info.hasExtraByte) code.push_back(cur_.readByte("extra byte"));
            if (code.size() > memLen)
                memFail(fmt::format("{} at file offset {} ends at in-memory byte {}, past mem_len {}",
                                    info.name, opAt, code.size(), memLen));
        }
        rc.code = std::move(code);

        const size_t countsAt = cur_.position();
        const uint64_t nObj = cur_.readVuint("object count");
        const uint64_t nChildren = cur_.readVuint("child count");
        const uint64_t nArgs = uint64_t(sig.nPosArgs) + sig.nKwonlyArgs;
        // Each argument name and object takes at least one byte, each child kMinRawCodeBytes.
        if (nArgs > cur_.remaining() || nArgs > limits_.maxTableEntries)
            throw MpyFormatError(
                fmt::format("truncated .mpy: raw code {} has {} argument names but only {} bytes "
                            "remain at offset {}",
                            path, nArgs, cur_.remaining(), cur_.position()));
        if (nObj > cur_.remaining() - nArgs || nObj > limits_.maxTableEntries)
            throw MpyFormatError(
                fmt::format("truncated .mpy: raw code {} declares {} objects at offset {} but "
                            "only {} bytes remain",
                            path, nObj, countsAt, cur_.remaining()));
        if (nChildren > limits_.maxTableEntries || nChildren > cur_.remaining() / kMinRawCodeBytes)
            throw MpyFormatError(
                fmt::format("truncated .mpy: raw code {} declares {} children at offset {} but "
                            "only {} bytes remain",
                            path, nChildren, countsAt, cur_.remaining()));
        rc.v5ArgNames.reserve(size_t(nArgs));
        for (uint64_t i = 0; i < nArgs; ++i) {
            try {
                const std::string& name = pool_[readQstr("argument name")].text;
                // Names are copied out of the window: bound the total so that cheap window hits on a long
                // string cannot make the result huge.
                argNameBytes_ += name.size();
                if (argNameBytes_ > limits_.maxV5ArgNameBytes)
                    throw MpyFormatError(
                        fmt::format("argument names total more than {} bytes", limits_.maxV5ArgNameBytes));
                rc.v5ArgNames.push_back(name);
            } catch (const MpyFormatError& e) {
                throw MpyFormatError(fmt::format("raw code {}: argument {}: {}", path, i, e.what()));
            }
        }
        rc.v5Constants.reserve(size_t(nObj));
        for (uint64_t i = 0; i < nObj; ++i) rc.v5Constants.push_back(readObject(path, i));
        pending_.push_back({&rc, path, codeStart});

        rc.children.reserve(size_t(nChildren));
        for (uint64_t i = 0; i < nChildren; ++i) {
            rc.children.emplace_back();
            readRawCode(rc.children.back(), depth + 1, path, i);
        }
    }

    void validateBytecode(const RawCode& rc, const std::string& path, size_t codeStart) const {
        auto fail = [&](const std::string& msg) {
            throw MpyFormatError(
                fmt::format("raw code {} (code at file offset {}): {}", path, codeStart, msg));
        };
        Prelude p;
        try {
            p = decodePreludeV5(rc.code);
            decodeLineTable(p.lineTable);
        } catch (const MpyFormatError& e) {
            fail(e.what());
        }
        const Signature& sig = p.signature;
        checkPreludeFields(p, rc.code.size(), fail);

        const auto opcodes = std::span<const uint8_t>(rc.code).subspan(p.opcodeOffset);
        // The per-function constant table (§1.7.5): argument names, objects, children.
        const uint64_t firstObj = rc.v5ArgNames.size();
        const uint64_t firstChild = firstObj + rc.v5Constants.size();
        const uint64_t tableSize = firstChild + rc.children.size();
        const auto opFail = [&](const Instruction& ins, const std::string& msg) {
            throw MpyFormatError(fmt::format("bytecode of raw code {} at offset {}: {} {}", path, ins.offset,
                                             opcodeInfo(ins.opcode).name, msg));
        };
        const auto decode = [&](size_t offset) {
            try {
                return decodeInstructionV5(opcodes, offset, cacheLookup_);
            } catch (const MpyFormatError& e) {
                throw MpyFormatError(
                    fmt::format("raw code {} (code at file offset {}): {}", path, codeStart, e.what()));
            }
        };
        const auto check = [&](const Instruction& ins) {
            switch (Op(ins.opcode)) {
            case Op::LoadConstObj:
                if (ins.arg < firstObj || ins.arg >= firstChild)
                    opFail(ins, fmt::format("const-table index {} is not an object (objects are {}..{})",
                                            ins.arg, firstObj, int64_t(firstChild) - 1));
                break;
            case Op::MakeFunction:
            case Op::MakeFunctionDefargs:
            case Op::MakeClosure:
            case Op::MakeClosureDefargs:
                if (ins.arg < firstChild || ins.arg >= tableSize)
                    opFail(ins, fmt::format("const-table index {} is not a child (children are {}..{})",
                                            ins.arg, firstChild, int64_t(tableSize) - 1));
                break;
            default: break;
            }
            checkCommonOperands(ins, sig, file_.qstrs.size(), file_.smallIntBits, opcodes.size(), opFail);
        };
        checkOpcodes(opcodes, decode, check, opFail);
    }

    // A raw code whose bytecode is validated after the whole structure has been read. The pointer stays
    // valid: every children vector is reserved before it is filled and never grows past that.
    struct Pending {
        const RawCode* rc;
        std::string path;
        size_t codeStart;
    };

    std::span<const uint8_t> bytes_;
    ByteCursor cur_;
    const ReadLimits& limits_;
    bool cacheLookup_ = false;
    struct PoolEntry {
        std::string text;
        int32_t qstrIndex = -1; // index in MpyFile::qstrs once the code has used it
    };
    std::vector<PoolEntry> pool_;  // every string read: new strings and the static ones used
    std::vector<uint32_t> window_; // pool ids, most recently used first, at most kV5QstrWindow entries
    std::array<int32_t, kNumStaticQstrs + 1> staticPool_ = makeStaticPool();
    std::unordered_map<std::string, uint16_t> ids_;
    uint64_t argNameBytes_ = 0;
    std::vector<Pending> pending_;
    MpyFile file_;
};

} // namespace

MpyFile readMpyV5(std::span<const uint8_t> bytes, const ReadLimits& limits) {
    return V5Reader(bytes, limits).read();
}

} // namespace mpyseal::mpy::detail
