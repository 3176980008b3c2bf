// .mpy version 5 writer (mpy-v5.md §1.11).
//
// The model holds each raw code in its in-memory layout (2-byte qstr indices, see RawCode); writing walks
// the code instruction by instruction and re-spells every qstr with the file-wide move-to-front window
// (§1.4). The order of the window updates is the order of §1.11, which byte identity depends on.
#include "MpyInternal.h"
#include "mpyseal/mpy/MpyWriter.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace mpyseal::mpy::detail {

namespace {

class V5Writer {
  public:
    explicit V5Writer(const MpyFile& file) : file_(file), cacheLookup_(file.flags & 1) {}

    std::vector<uint8_t> write() {
        if (file_.flags & 0xfc)
            throw std::invalid_argument(
                fmt::format("writeMpy: v5 flags 0x{:02x} name a native architecture; only "
                            "bytecode files (bits 2..7 zero) can be written",
                            file_.flags));
        if (file_.v5QstrWindowSize > kV5QstrWindow)
            throw std::invalid_argument(fmt::format("writeMpy: v5 qstr window size {} exceeds {}",
                                                    file_.v5QstrWindowSize, kV5QstrWindow));
        if (!file_.constants.empty())
            throw std::invalid_argument("writeMpy: a v5 file has no module constant table (constants are per "
                                        "function, RawCode::v5Constants)");
        out_ = {'M', 5, file_.flags, file_.smallIntBits};
        appendVuint(out_, file_.v5QstrWindowSize);
        writeRawCode(file_.root);
        return std::move(out_);
    }

  private:
    // §1.4: static strings by id (window untouched), repeats by window position, new strings inline.
    void writeQstr(const std::string& text) {
        if (int id = staticQstrId(text)) {
            out_.push_back(0);
            out_.push_back(uint8_t(id));
            return;
        }
        if (auto it = std::find(window_.begin(), window_.end(), text); it != window_.end()) {
            const auto index = uint64_t(it - window_.begin());
            std::rotate(window_.begin(), it, it + 1);
            appendVuint(out_, 2 * index + 1);
            return;
        }
        window_.insert(window_.begin(), text);
        if (window_.size() > kV5QstrWindow) window_.pop_back();
        appendVuint(out_, uint64_t(text.size()) << 1);
        out_.insert(out_.end(), text.begin(), text.end());
    }

    const std::string& qstrAt(uint64_t index, const char* what) const {
        if (index >= file_.qstrs.size())
            throw std::invalid_argument(fmt::format("writeMpy: {} qstr index {} out of range ({} qstrs)",
                                                    what, index, file_.qstrs.size()));
        return file_.qstrs[index];
    }

    void writeObject(const Constant& c) {
        char tag;
        switch (c.kind) {
        case Constant::Kind::Ellipsis: out_.push_back('e'); return;
        case Constant::Kind::Str: tag = 's'; break;
        case Constant::Kind::Bytes: tag = 'b'; break;
        case Constant::Kind::Int: tag = 'i'; break;
        case Constant::Kind::Float: tag = 'f'; break;
        case Constant::Kind::Complex: tag = 'c'; break;
        default:
            throw std::invalid_argument(
                fmt::format("writeMpy: constant kind {} ({}) has no v5 object encoding", int(c.kind),
                            constantKindName(c.kind)));
        }
        out_.push_back(uint8_t(tag));
        appendVuint(out_, c.text.size());
        out_.insert(out_.end(), c.text.begin(), c.text.end());
    }

    void writeRawCode(const RawCode& rc) {
        if (rc.kind != RawCodeKind::Bytecode)
            throw std::invalid_argument(
                "writeMpy: only bytecode raw codes can be written (native code has extra "
                "fields the model does not hold)");
        const std::span<const uint8_t> code = rc.code;
        Prelude p;
        try {
            p = decodePreludeV5(code);
        } catch (const MpyFormatError& e) {
            throw std::invalid_argument(fmt::format("writeMpy: v5 raw code prelude: {}", e.what()));
        }
        const uint64_t nArgs = uint64_t(p.signature.nPosArgs) + p.signature.nKwonlyArgs;
        if (rc.v5ArgNames.size() != nArgs)
            throw std::invalid_argument(
                fmt::format("writeMpy: v5 raw code has {} argument names but its signature "
                            "declares {} (n_pos_args + n_kwonly_args)",
                            rc.v5ArgNames.size(), nArgs));
        appendVuint(out_, uint64_t(code.size()) << 2); // kind 0: bytecode
        const auto copy = [&](size_t from, size_t to) {
            out_.insert(out_.end(), code.begin() + ptrdiff_t(from), code.begin() + ptrdiff_t(to));
        };
        copy(0, p.codeInfoOffset); // signature, prelude size
        writeQstr(qstrAt(p.simpleName, "simple name"));
        writeQstr(qstrAt(p.sourceFile, "source file"));
        copy(p.codeInfoOffset + 4, p.opcodeOffset); // line table, terminator, cells

        const auto opcodes = code.subspan(p.opcodeOffset);
        for (size_t offset = 0; offset < opcodes.size();) {
            Instruction ins;
            try {
                ins = decodeInstructionV5(opcodes, offset, cacheLookup_);
            } catch (const MpyFormatError& e) {
                throw std::invalid_argument(fmt::format("writeMpy: v5 bytecode: {}", e.what()));
            }
            const size_t at = p.opcodeOffset + offset;
            if (opcodeInfo(ins.opcode).operand == OperandKind::Qstr) {
                out_.push_back(ins.opcode);
                writeQstr(qstrAt(ins.arg, "operand"));
                copy(at + 3, at + ins.size); // the cache byte, if any
            } else {
                copy(at, at + ins.size);
            }
            offset += ins.size;
        }
        appendVuint(out_, rc.v5Constants.size());
        appendVuint(out_, rc.children.size());
        for (const std::string& name : rc.v5ArgNames) writeQstr(name);
        for (const Constant& c : rc.v5Constants) writeObject(c);
        for (const RawCode& child : rc.children) writeRawCode(child);
    }

    const MpyFile& file_;
    bool cacheLookup_;
    std::vector<uint8_t> out_;
    std::vector<std::string> window_; // most recently used first, at most kV5QstrWindow entries
};

} // namespace

std::vector<uint8_t> writeMpyV5(const MpyFile& file) {
    return V5Writer(file).write();
}

} // namespace mpyseal::mpy::detail
