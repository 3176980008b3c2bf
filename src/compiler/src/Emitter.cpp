#include "Emitter.h"

#include "mpyseal/mpy/Encoding.h"

namespace mpyseal::compiler {

using mpy::Op;

uint32_t ModuleTables::useQstr(const std::string& s) {
    auto [it, inserted] = qstrIndex.emplace(s, static_cast<uint32_t>(qstrs.size()));
    if (inserted) qstrs.push_back(s);
    return it->second;
}

namespace {

// A byte string equal for two constants exactly when they are strictly equal (same kinds, same texts,
// recursively), so that the table can be indexed by hashing.
void appendConstantKey(std::string& key, const mpy::Constant& c) {
    key.push_back(static_cast<char>(c.kind));
    key += std::to_string(c.text.size());
    key.push_back(':');
    key += c.text;
    key += std::to_string(c.items.size());
    key.push_back('(');
    for (const auto& item : c.items) appendConstantKey(key, item);
    key.push_back(')');
}

} // namespace

uint32_t ModuleTables::useConstant(const mpy::Constant& c, const void* identity) {
    if (identity != nullptr) {
        auto [it, inserted] = constantByIdentity.emplace(identity, static_cast<uint32_t>(constants.size()));
        if (inserted) {
            constants.push_back(c);
            constantIdentity.push_back(identity);
        }
        return it->second;
    }
    std::string key;
    appendConstantKey(key, c);
    auto [it, inserted] = constantIndex.emplace(std::move(key), static_cast<uint32_t>(constants.size()));
    if (inserted) {
        constants.push_back(c);
        constantIdentity.push_back(nullptr);
    }
    return it->second;
}

void Emitter::startPass(Pass pass, Scope* scope) {
    pass_ = pass;
    scope_ = scope;
    suppress_ = false;
    stackSize_ = 0;
    bytecodeOffset_ = 0;
    childCount_ = 0;
    bytecode_.clear();
    if (pass == Pass::Emit) bytecode_.reserve(bytecodeSize_);
    lineTable_.clear();
    lastSourceLine_ = 1;
    lastSourceLineOffset_ = 0;
    prefix_.clear();
    if (pass == Pass::StackSize) labelOffsets_.clear();
    overflow_ = false;
    lastEmitWasReturn_ = false;
    objects_.clear();
    argNames_.clear();
    if (v5_) {
        // v5 prelude: 2-byte simple_name and source_file; argument names go to the constant table instead.
        for (const std::string* q : {&scope->simpleName, &sourceName_}) {
            uint32_t id = tables_.useQstr(*q);
            prefix_.push_back(static_cast<uint8_t>(id & 0xff));
            prefix_.push_back(static_cast<uint8_t>(id >> 8));
        }
    } else {
        // The simple name enters the qstr table in pass 1, the argument names from pass 2 on (§5.5.2).
        mpy::appendVuint(prefix_, tables_.useQstr(scope->simpleName));
    }
    if (pass >= Pass::StackSize) {
        int nArgs = scope->numPosArgs + scope->numKwonlyArgs;
        for (int i = 0; i < nArgs; ++i) {
            std::string name = "*";
            for (const auto& id : scope->ids) {
                if ((id.flags & kIdFlagParam) && id.localNum == i) {
                    name = id.name;
                    break;
                }
            }
            if (v5_) {
                argNames_.push_back(name);
            } else {
                mpy::appendVuint(prefix_, tables_.useQstr(name));
            }
        }
    }
}

bool Emitter::endPass() {
    previousObjectCount_ = objects_.size();
    if (v5_) {
        // Every instruction has a fixed size in v5, so one emit pass is final.
        if (pass_ == Pass::Emit) finishRawCode();
        return true;
    }
    if (pass_ == Pass::StackSize || pass_ == Pass::CodeSize) {
        bytecodeSize_ = bytecodeOffset_;
        codeInfoSize_ = prefix_.size() + lineTable_.size();
        return true;
    }
    if (pass_ == Pass::Emit) {
        size_t codeInfo = prefix_.size() + lineTable_.size();
        if (codeInfo != codeInfoSize_ || bytecodeOffset_ != bytecodeSize_) {
            codeInfoSize_ = codeInfo;
            bytecodeSize_ = bytecodeOffset_;
            return false;
        }
        finishRawCode();
    }
    return true;
}

namespace {

// The prelude signature (mpy-format.md §1.7.1); n_state is at least 1 (a raising frame needs a slot).
mpy::Signature signatureOf(const Scope& s) {
    mpy::Signature sig;
    int nState = s.numLocals + s.stackSize;
    sig.nState = static_cast<uint32_t>(nState == 0 ? 1 : nState);
    sig.nExcStack = static_cast<uint32_t>(s.excStackSize);
    sig.scopeFlags = s.scopeFlags & 0x0f;
    sig.nPosArgs = static_cast<uint32_t>(s.numPosArgs);
    sig.nKwonlyArgs = static_cast<uint32_t>(s.numKwonlyArgs);
    sig.nDefPosArgs = static_cast<uint32_t>(s.numDefPosArgs);
    return sig;
}

} // namespace

void Emitter::finishRawCode() {
    Scope& s = *scope_;
    std::vector<uint8_t> code;
    mpy::appendSignature(code, signatureOf(s));
    std::vector<uint8_t> cells;
    for (const auto& id : s.ids)
        if (id.kind == IdKind::Cell) cells.push_back(static_cast<uint8_t>(id.localNum));
    // v5's n_info also counts the line table's 00 terminator (mpy-v5.md §1.7).
    size_t nInfo = prefix_.size() + lineTable_.size() + (v5_ ? 1 : 0);
    mpy::appendPreludeSize(code, static_cast<uint32_t>(nInfo), static_cast<uint32_t>(cells.size()));
    code.insert(code.end(), prefix_.begin(), prefix_.end());
    code.insert(code.end(), lineTable_.begin(), lineTable_.end());
    if (v5_) code.push_back(0);
    code.insert(code.end(), cells.begin(), cells.end());
    code.insert(code.end(), bytecode_.begin(), bytecode_.end());
    s.rawCode.kind = mpy::RawCodeKind::Bytecode;
    s.rawCode.code = std::move(code);
    if (v5_) {
        s.rawCode.v5Constants = objects_;
        s.rawCode.v5ArgNames = argNames_;
    }
}

void Emitter::writeU16(uint32_t value) {
    uint8_t* p = reserve(2);
    p[0] = static_cast<uint8_t>(value & 0xff);
    p[1] = static_cast<uint8_t>((value >> 8) & 0xff);
}

void Emitter::setSourceLine(uint32_t line) {
    if (pass_ == Pass::Scope || !recordLines_) return;
    if (line > lastSourceLine_) {
        mpy::appendLineTableEntry(lineTable_, static_cast<uint32_t>(bytecodeOffset_ - lastSourceLineOffset_),
                                  line - lastSourceLine_);
        lastSourceLineOffset_ = bytecodeOffset_;
        lastSourceLine_ = line;
    }
}

void Emitter::labelAssign(uint32_t label) {
    suppress_ = false; // a label ends any dead-code region
    lastEmitWasReturn_ = false;
    if (pass_ == Pass::Scope) return;
    if (label >= labelOffsets_.size()) labelOffsets_.resize(label + 1, 0);
    labelOffsets_[label] = bytecodeOffset_;
}

void Emitter::adjustStackSize(int delta) {
    if (pass_ == Pass::Scope) return;
    stackSize_ += delta;
    if (stackSize_ > scope_->stackSize) scope_->stackSize = stackSize_;
}

void Emitter::pre(int stackAdj) {
    adjustStackSize(stackAdj);
    lastEmitWasReturn_ = false;
}

uint8_t* Emitter::reserve(size_t n) {
    // Counted but not written: room for the longest instruction (an opcode and a 10-byte var-int).
    static thread_local uint8_t dummy[16];
    if (suppress_ && !v5_) return dummy; // 1.13 emits dead code
    if (pass_ < Pass::Emit) {
        bytecodeOffset_ += n;
        return dummy;
    }
    size_t at = bytecode_.size();
    bytecode_.resize(at + n);
    bytecodeOffset_ += n;
    return bytecode_.data() + at;
}

void Emitter::writeRaw(uint8_t b) {
    *reserve(1) = b;
}

void Emitter::writeByteValue(int stackAdj, uint8_t b) {
    pre(stackAdj);
    *reserve(1) = b;
}

void Emitter::writeUint(int stackAdj, Op op, uint64_t value) {
    pre(stackAdj);
    encoded_.assign(1, static_cast<uint8_t>(op));
    mpy::appendVuint(encoded_, value);
    writeEncoded();
}

void Emitter::writeEncoded() {
    std::copy(encoded_.begin(), encoded_.end(), reserve(encoded_.size()));
}

void Emitter::writeQstr(int stackAdj, Op op, const std::string& q) {
    if (!v5_) {
        writeUint(stackAdj, op, tables_.useQstr(q));
        return;
    }
    // v5 in-memory form: a 2-byte qstr id, plus a cache slot after the four cached opcodes (mpy-v5.md §7.2).
    pre(stackAdj);
    *reserve(1) = static_cast<uint8_t>(op);
    writeU16(tables_.useQstr(q));
    if (cacheLookupBc_ &&
        (op == Op::LoadName || op == Op::LoadGlobal || op == Op::LoadAttr || op == Op::StoreAttr))
        *reserve(1) = 0;
}

void Emitter::writeChild(int stackAdj, Op op, Scope* child) {
    if (pass_ == Pass::Scope) scope_->children.push_back(child);
    if (v5_) {
        // per-function table: argument names, objects (counted in the previous pass), then children
        size_t base = static_cast<size_t>(scope_->numPosArgs + scope_->numKwonlyArgs) + previousObjectCount_;
        writeUint(stackAdj, op, base + childCount_++);
        return;
    }
    writeUint(stackAdj, op, childCount_++);
}

void Emitter::writeLabel(int stackAdj, Op op, uint32_t label) {
    pre(stackAdj);
    if (v5_) {
        // v5: always opcode + 16-bit offset from the end of the instruction, signed in excess 0x8000 (and
        // JUMP_IF_x_OR_POP signed too); no overflow check, as 1.13 had none (mpy-v5.md §2.3).
        bool isSigned = static_cast<uint8_t>(op) <= static_cast<uint8_t>(Op::JumpIfFalseOrPop);
        long target = label < labelOffsets_.size() ? static_cast<long>(labelOffsets_[label]) : 0;
        long offset = target - static_cast<long>(bytecodeOffset_) - 3;
        *reserve(1) = static_cast<uint8_t>(op);
        writeU16(static_cast<uint32_t>((offset + (isSigned ? 0x8000 : 0)) & 0xffff));
        return;
    }
    bool isSigned = static_cast<uint8_t>(op) <= static_cast<uint8_t>(Op::PopJumpIfFalse);
    bool longForm = true;
    long offset = 0;
    if (pass_ >= Pass::CodeSize) {
        size_t target = label < labelOffsets_.size() ? labelOffsets_[label] : 0;
        offset = static_cast<long>(target) - static_cast<long>(bytecodeOffset_) - 2;
        if ((isSigned && offset >= -64 && offset <= 63) || (!isSigned && offset >= 0 && offset <= 127))
            longForm = false;
        if (longForm) offset -= 1;
        // Dead code is not written, so its (meaningless) offsets cannot overflow.
        if (!suppress_ &&
            (isSigned ? (offset < -0x4000 || offset >= 0x4000) : (offset < 0 || offset >= 0x8000)))
            overflow_ = true;
    }
    uint8_t* p = reserve(longForm ? 3 : 2);
    p[0] = static_cast<uint8_t>(op);
    if (!longForm) {
        p[1] = static_cast<uint8_t>(isSigned ? offset + 0x40 : offset);
    } else {
        long raw = isSigned ? offset + 0x4000 : offset;
        p[1] = static_cast<uint8_t>(0x80 | (raw & 0x7f));
        p[2] = static_cast<uint8_t>((raw >> 7) & 0xff);
    }
}

void Emitter::loadConstEllipsis() {
    mpy::Constant c;
    c.kind = mpy::Constant::Kind::Ellipsis;
    loadConstObj(c, nullptr);
}

void Emitter::loadConstSmallInt(int64_t value) {
    if (v5_) {
        // 1.13's parse leaves use the host range; the target range is checked here (mpy-v5.md §5.3.3).
        int64_t limit = int64_t(1) << (smallIntBits_ - 1);
        if (value < -limit || value >= limit) {
            mpy::Constant c;
            c.kind = mpy::Constant::Kind::Int;
            c.text = std::to_string(value);
            loadConstObj(c, nullptr);
            return;
        }
    }
    if (value >= mpy::kSmallIntMultiMin && value <= mpy::kSmallIntMultiMax) {
        writeByteValue(1, static_cast<uint8_t>(0x80 + value));
        return;
    }
    pre(1);
    encoded_.assign(1, static_cast<uint8_t>(Op::LoadConstSmallInt));
    mpy::appendSignedVarint(encoded_, value);
    writeEncoded();
}

void Emitter::loadConstObj(const mpy::Constant& c, const void* identity) {
    if (v5_) {
        // v5: one new entry per emission, after the argument names (mpy-v5.md §1.7.5, §5.5)
        size_t index = static_cast<size_t>(scope_->numPosArgs + scope_->numKwonlyArgs) + objects_.size();
        if (pass_ != Pass::Scope) objects_.push_back(c);
        writeUint(1, Op::LoadConstObj, index);
        return;
    }
    writeUint(1, Op::LoadConstObj, tables_.useConstant(c, identity));
}

void Emitter::loadFast(int localNum) {
    if (localNum <= 15) {
        writeByteValue(1, static_cast<uint8_t>(mpy::kLoadFastMulti + localNum));
    } else {
        writeUint(1, Op::LoadFastN, static_cast<uint64_t>(localNum));
    }
}

void Emitter::storeFast(int localNum) {
    if (localNum <= 15) {
        writeByteValue(-1, static_cast<uint8_t>(mpy::kStoreFastMulti + localNum));
    } else {
        writeUint(-1, Op::StoreFastN, static_cast<uint64_t>(localNum));
    }
}

void Emitter::deleteAttr(const std::string& q) {
    loadNull();
    rotTwo();
    storeAttr(q);
}

void Emitter::deleteSubscr() {
    loadNull();
    rotThree();
    storeSubscr();
}

void Emitter::loadMethod(const std::string& q, bool isSuper) {
    writeQstr(isSuper ? -1 : 1, isSuper ? Op::LoadSuperMethod : Op::LoadMethod, q);
}

void Emitter::jump(uint32_t label) {
    writeLabel(0, Op::Jump, label);
    suppress_ = true;
}

void Emitter::popJumpIf(bool cond, uint32_t label) {
    writeLabel(-1, cond ? Op::PopJumpIfTrue : Op::PopJumpIfFalse, label);
}

void Emitter::jumpIfOrPop(bool cond, uint32_t label) {
    writeLabel(-1, cond ? Op::JumpIfTrueOrPop : Op::JumpIfFalseOrPop, label);
}

void Emitter::unwindJump(uint32_t label, int exceptDepth) {
    uint32_t target = label & ~kBreakFromFor;
    if (exceptDepth == 0) {
        if (label & kBreakFromFor) {
            for (int i = 0; i < 4; ++i) writeRaw(static_cast<uint8_t>(Op::PopTop)); // iterator slots
        }
        writeLabel(0, Op::Jump, target);
    } else {
        writeLabel(0, Op::UnwindJump, target);
        writeRaw(static_cast<uint8_t>(((label & kBreakFromFor) ? 0x80 : 0) | exceptDepth));
    }
    suppress_ = true;
}

void Emitter::setupBlock(uint32_t label, SetupBlock kind) {
    Op op = kind == SetupBlock::With     ? Op::SetupWith
            : kind == SetupBlock::Except ? Op::SetupExcept
                                         : Op::SetupFinally;
    writeLabel(kind == SetupBlock::With ? 2 : 0, op, label);
}

void Emitter::withCleanup(uint32_t label) {
    loadConstNone();
    labelAssign(label);
    writeByte(2, Op::WithCleanup); // room to call __exit__
    adjustStackSize(-4);           // cancels the +2 above and SETUP_WITH's +2
}

void Emitter::getIter(bool useStack) {
    writeByte(useStack ? 3 : 0, useStack ? Op::GetIterStack : Op::GetIter);
}

void Emitter::popExceptJump(uint32_t label) {
    writeLabel(0, Op::PopExceptJump, label);
    suppress_ = true;
}

void Emitter::unaryOp(mpy::UnaryOp op) {
    writeByteValue(0, static_cast<uint8_t>(mpy::kUnaryOpMulti + static_cast<int>(op)));
}

void Emitter::binaryOp(int op) {
    bool invert = false;
    if (op == kNotIn) {
        invert = true;
        op = static_cast<int>(mpy::BinaryOp::In);
    } else if (op == kIsNot) {
        invert = true;
        op = static_cast<int>(mpy::BinaryOp::Is);
    }
    writeByteValue(-1, static_cast<uint8_t>(mpy::kBinaryOpMulti + op));
    if (invert) unaryOp(mpy::UnaryOp::Not);
}

void Emitter::storeComp(ScopeKind kind, int collectionStackIndex) {
    int n = 0, t = 0;
    if (kind == ScopeKind::DictComp) {
        n = 1;
        t = 1;
    } else if (kind == ScopeKind::SetComp) {
        t = 2;
    }
    writeUint(-1 - n, Op::StoreComp, static_cast<uint64_t>(((collectionStackIndex + n) << 2) | t));
}

void Emitter::makeFunction(Scope* child, int nPosDefaults, int nKwDefaults) {
    if (nPosDefaults == 0 && nKwDefaults == 0) {
        writeChild(1, Op::MakeFunction, child);
    } else {
        writeChild(-1, Op::MakeFunctionDefargs, child);
    }
}

void Emitter::makeClosure(Scope* child, int nClosedOver, int nPosDefaults, int nKwDefaults) {
    if (nPosDefaults == 0 && nKwDefaults == 0) {
        writeChild(1 - nClosedOver, Op::MakeClosure, child);
    } else {
        writeChild(-1 - nClosedOver, Op::MakeClosureDefargs, child);
    }
    writeRaw(static_cast<uint8_t>(nClosedOver));
}

void Emitter::callFunction(int nPositional, int nKeyword, bool star) {
    // v6 passes a star bitmap (1 slot), v5 a sequence and a mapping slot (2 slots).
    int adj = -(nPositional + 2 * nKeyword) - (star ? (v5_ ? 2 : 1) : 0);
    // No range check on the counts, as in MicroPython: 256 positionals encode as "1 keyword".
    writeUint(adj, star ? Op::CallFunctionVarKw : Op::CallFunction,
              (static_cast<uint64_t>(nKeyword) << 8) | static_cast<uint64_t>(nPositional));
}

void Emitter::callMethod(int nPositional, int nKeyword, bool star) {
    int adj = -1 - (nPositional + 2 * nKeyword) - (star ? (v5_ ? 2 : 1) : 0);
    writeUint(adj, star ? Op::CallMethodVarKw : Op::CallMethod,
              (static_cast<uint64_t>(nKeyword) << 8) | static_cast<uint64_t>(nPositional));
}

void Emitter::returnValue() {
    writeByte(-1, Op::ReturnValue);
    suppress_ = true;
    lastEmitWasReturn_ = true;
}

void Emitter::raise(int nArgs) {
    Op op = nArgs == 0 ? Op::RaiseLast : nArgs == 1 ? Op::RaiseObj : Op::RaiseFrom;
    writeByte(-nArgs, op);
    suppress_ = true;
}

void Emitter::yieldValue() {
    writeByte(0, Op::YieldValue);
    scope_->scopeFlags |= mpy::kScopeFlagGenerator;
}

void Emitter::yieldFrom() {
    writeByte(-1, Op::YieldFrom);
    scope_->scopeFlags |= mpy::kScopeFlagGenerator;
}

} // namespace mpyseal::compiler
