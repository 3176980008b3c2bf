// .mpy v6 writer (mpy-format.md §1.3–§1.6); version 5 is written by MpyV5Writer.cpp.
#include "mpyseal/mpy/MpyWriter.h"

#include "MpyInternal.h"
#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <fmt/format.h>

#include <stdexcept>

namespace mpyseal::mpy {

namespace {

// Constant tags of §1.5.
enum : uint8_t {
    kTagNone = 1,
    kTagFalse = 2,
    kTagTrue = 3,
    kTagEllipsis = 4,
    kTagStr = 5,
    kTagBytes = 6,
    kTagInt = 7,
    kTagFloat = 8,
    kTagComplex = 9,
    kTagTuple = 10,
};

void appendText(std::vector<uint8_t>& out, const std::string& text, bool nulTerminated) {
    appendVuint(out, text.size());
    out.insert(out.end(), text.begin(), text.end());
    if (nulTerminated) out.push_back(0);
}

void appendQstr(std::vector<uint8_t>& out, const std::string& text) {
    // Static strings are spelled by id; everything else inline with a NUL the loader skips (§1.4).
    if (int id = staticQstrId(text)) {
        appendVuint(out, (uint64_t(id) << 1) | 1);
        return;
    }
    appendVuint(out, uint64_t(text.size()) << 1);
    out.insert(out.end(), text.begin(), text.end());
    out.push_back(0);
}

void appendConstant(std::vector<uint8_t>& out, const Constant& c) {
    uint8_t tag;
    switch (c.kind) {
    case Constant::Kind::None: out.push_back(kTagNone); return;
    case Constant::Kind::False: out.push_back(kTagFalse); return;
    case Constant::Kind::True: out.push_back(kTagTrue); return;
    case Constant::Kind::Ellipsis: out.push_back(kTagEllipsis); return;
    case Constant::Kind::Tuple:
        out.push_back(kTagTuple);
        appendVuint(out, c.items.size());
        for (const Constant& item : c.items) appendConstant(out, item);
        return;
    case Constant::Kind::Str: tag = kTagStr; break;
    case Constant::Kind::Bytes: tag = kTagBytes; break;
    case Constant::Kind::Int: tag = kTagInt; break;
    case Constant::Kind::Float: tag = kTagFloat; break;
    case Constant::Kind::Complex: tag = kTagComplex; break;
    default: throw std::invalid_argument(fmt::format("writeMpy: unknown constant kind {}", int(c.kind)));
    }
    // str and bytes carry a NUL the loader skips; the number texts do not (§1.5).
    out.push_back(tag);
    appendText(out, c.text, c.kind == Constant::Kind::Str || c.kind == Constant::Kind::Bytes);
}

void appendRawCode(std::vector<uint8_t>& out, const RawCode& rc) {
    if (rc.kind != RawCodeKind::Bytecode)
        throw std::invalid_argument("writeMpy: only bytecode raw codes can be written (native code has extra "
                                    "fields the model does not hold)");
    if (!rc.v5Constants.empty())
        throw std::invalid_argument("writeMpy: a v6 raw code cannot have a per-function (v5) constant table");
    const bool hasChildren = !rc.children.empty();
    appendVuint(out, (uint64_t(rc.code.size()) << 3) | (uint64_t(hasChildren) << 2) | uint64_t(rc.kind));
    out.insert(out.end(), rc.code.begin(), rc.code.end());
    if (hasChildren) {
        appendVuint(out, rc.children.size());
        for (const RawCode& child : rc.children) appendRawCode(out, child);
    }
}

} // namespace

std::vector<uint8_t> writeMpy(const MpyFile& file) {
    if (file.version == 5) return detail::writeMpyV5(file);
    if (file.version != 6)
        throw std::invalid_argument(
            fmt::format("writeMpy: .mpy version {} is not supported (only 5 and 6)", int(file.version)));
    std::vector<uint8_t> out;
    out.push_back('M');
    out.push_back(file.version);
    out.push_back(file.flags);
    out.push_back(file.smallIntBits);
    if (file.flags & 0x40) appendVuint(out, file.archFlags);
    appendVuint(out, file.qstrs.size());
    appendVuint(out, file.constants.size());
    for (const std::string& q : file.qstrs) appendQstr(out, q);
    for (const Constant& c : file.constants) appendConstant(out, c);
    appendRawCode(out, file.root);
    return out;
}

} // namespace mpyseal::mpy
