// Bytecode emitter: the four-pass scheme of MicroPython's compiler (mpy-format.md §5.5, §5.6).
// Pass 1 (Scope) only collects qstrs/constants/children; pass 2 (StackSize) sizes the stack with all jumps
// long; pass 3 (CodeSize) and repeated pass 4 (Emit) choose jump encodings until the layout is stable.
#pragma once

#include "Scope.h"

#include "mpyseal/mpy/MpyModel.h"
#include "mpyseal/mpy/Opcodes.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mpyseal::compiler {

enum class Pass : uint8_t { Scope = 1, StackSize = 2, CodeSize = 3, Emit = 4 };

/// Module-wide qstr and constant tables, filled in first-use order.
struct ModuleTables {
    std::vector<std::string> qstrs;
    std::unordered_map<std::string, uint32_t> qstrIndex;
    std::vector<mpy::Constant> constants;
    /// Non-null for NaN-containing constants, which are never equal by value.
    std::vector<const void*> constantIdentity;
    std::unordered_map<std::string, uint32_t> constantIndex; ///< canonical key -> index (by-value entries)
    std::unordered_map<const void*, uint32_t> constantByIdentity; ///< NaN-containing entries

    uint32_t useQstr(const std::string& s);
    uint32_t useConstant(const mpy::Constant& c, const void* identity);
};

enum class SetupBlock : uint8_t { With = 0, Except = 1, Finally = 2 };

/// Label flag: a break out of a generic for loop must also drop the 4-slot iterator.
inline constexpr uint32_t kBreakFromFor = 0x8000;

class Emitter {
  public:
    Emitter(ModuleTables& tables, bool recordLines) : tables_(tables), recordLines_(recordLines) {}

    /// Switches to MicroPython 1.13's .mpy v5 emission (mpy-v5.md §1.7, §2): 2-byte qstr ids, 3-byte jumps,
    /// per-function constant tables, no dead-code suppression. `sourceName` goes into every prelude.
    void setV5(const std::string& sourceName, int smallIntBits, bool cacheLookupBc) {
        v5_ = true;
        sourceName_ = sourceName;
        smallIntBits_ = smallIntBits;
        cacheLookupBc_ = cacheLookupBc;
    }
    bool isV5() const { return v5_; }
    /// v5: the last opcode emitted was RETURN_VALUE (no label since); drives 1.13's three shortcuts.
    bool lastEmitWasReturn() const { return lastEmitWasReturn_; }

    void startPass(Pass pass, Scope* scope);
    /// Ends a pass; returns false if pass 4 must run again (the layout changed).
    bool endPass();
    Pass pass() const { return pass_; }
    bool overflow() const { return overflow_; }

    void setSourceLine(uint32_t line);
    void labelAssign(uint32_t label);
    void adjustStackSize(int delta);
    int stackSize() const { return stackSize_; }

    void loadConstNone() { writeByte(1, mpy::Op::LoadConstNone); }
    void loadConstTrue() { writeByte(1, mpy::Op::LoadConstTrue); }
    void loadConstFalse() { writeByte(1, mpy::Op::LoadConstFalse); }
    void loadConstEllipsis();
    void loadConstSmallInt(int64_t value);
    void loadConstString(const std::string& qstr) { writeQstr(1, mpy::Op::LoadConstString, qstr); }
    void loadConstObj(const mpy::Constant& c, const void* identity);
    void loadNull() { writeByte(1, mpy::Op::LoadNull); }

    void loadFast(int localNum);
    void storeFast(int localNum);
    void deleteFast(int localNum) { writeUint(0, mpy::Op::DeleteFast, localNum); }
    void loadDeref(int localNum) { writeUint(1, mpy::Op::LoadDeref, localNum); }
    void storeDeref(int localNum) { writeUint(-1, mpy::Op::StoreDeref, localNum); }
    void deleteDeref(int localNum) { writeUint(0, mpy::Op::DeleteDeref, localNum); }
    void loadName(const std::string& q) { writeQstr(1, mpy::Op::LoadName, q); }
    void storeName(const std::string& q) { writeQstr(-1, mpy::Op::StoreName, q); }
    void deleteName(const std::string& q) { writeQstr(0, mpy::Op::DeleteName, q); }
    void loadGlobal(const std::string& q) { writeQstr(1, mpy::Op::LoadGlobal, q); }
    void storeGlobal(const std::string& q) { writeQstr(-1, mpy::Op::StoreGlobal, q); }
    void deleteGlobal(const std::string& q) { writeQstr(0, mpy::Op::DeleteGlobal, q); }

    void loadAttr(const std::string& q) { writeQstr(0, mpy::Op::LoadAttr, q); }
    void storeAttr(const std::string& q) { writeQstr(-2, mpy::Op::StoreAttr, q); }
    void deleteAttr(const std::string& q);
    void loadMethod(const std::string& q, bool isSuper);
    void loadBuildClass() { writeByte(1, mpy::Op::LoadBuildClass); }
    void loadSubscr() { writeByte(-1, mpy::Op::LoadSubscr); }
    void storeSubscr() { writeByte(-3, mpy::Op::StoreSubscr); }
    void deleteSubscr();

    void dupTop() { writeByte(1, mpy::Op::DupTop); }
    void dupTopTwo() { writeByte(2, mpy::Op::DupTopTwo); }
    void popTop() { writeByte(-1, mpy::Op::PopTop); }
    void rotTwo() { writeByte(0, mpy::Op::RotTwo); }
    void rotThree() { writeByte(0, mpy::Op::RotThree); }

    void jump(uint32_t label);
    void popJumpIf(bool cond, uint32_t label);
    void jumpIfOrPop(bool cond, uint32_t label);
    void unwindJump(uint32_t label, int exceptDepth);
    void setupBlock(uint32_t label, SetupBlock kind);
    void withCleanup(uint32_t label);
    void endFinally() { writeByte(-1, mpy::Op::EndFinally); }
    void getIter(bool useStack);
    void forIter(uint32_t label) { writeLabel(1, mpy::Op::ForIter, label); }
    void forIterEnd() { adjustStackSize(-4); }
    void popExceptJump(uint32_t label);

    void unaryOp(mpy::UnaryOp op);
    /// `op` may also be kNotIn / kIsNot (compiled as IN/IS followed by NOT).
    void binaryOp(int op);
    static constexpr int kNotIn = 100;
    static constexpr int kIsNot = 101;

    void buildTuple(int n) { writeUint(1 - n, mpy::Op::BuildTuple, n); }
    void buildList(int n) { writeUint(1 - n, mpy::Op::BuildList, n); }
    void buildMap(int n) { writeUint(1, mpy::Op::BuildMap, n); }
    void buildSet(int n) { writeUint(1 - n, mpy::Op::BuildSet, n); }
    void buildSlice(int n) { writeUint(1 - n, mpy::Op::BuildSlice, n); }
    void storeMap() { writeByte(-2, mpy::Op::StoreMap); }
    void storeComp(ScopeKind kind, int collectionStackIndex);
    void unpackSequence(int n) { writeUint(-1 + n, mpy::Op::UnpackSequence, n); }
    void unpackEx(int before, int after) {
        writeUint(before + after, mpy::Op::UnpackEx, before | (after << 8));
    }

    void makeFunction(Scope* child, int nPosDefaults, int nKwDefaults);
    void makeClosure(Scope* child, int nClosedOver, int nPosDefaults, int nKwDefaults);
    void callFunction(int nPositional, int nKeyword, bool star);
    void callMethod(int nPositional, int nKeyword, bool star);
    void returnValue();
    void raise(int nArgs);
    void yieldValue();
    void yieldFrom();
    void importName(const std::string& q) { writeQstr(-1, mpy::Op::ImportName, q); }
    void importFrom(const std::string& q) { writeQstr(1, mpy::Op::ImportFrom, q); }
    void importStar() { writeByte(-1, mpy::Op::ImportStar); }

  private:
    void pre(int stackAdj);
    uint8_t* reserve(size_t n);
    void writeRaw(uint8_t b);
    void writeByte(int stackAdj, mpy::Op op) { writeByteValue(stackAdj, static_cast<uint8_t>(op)); }
    void writeByteValue(int stackAdj, uint8_t b);
    void writeUint(int stackAdj, mpy::Op op, uint64_t value);
    /// Writes the instruction held in encoded_.
    void writeEncoded();
    void writeQstr(int stackAdj, mpy::Op op, const std::string& q);
    void writeLabel(int stackAdj, mpy::Op op, uint32_t label);
    void writeChild(int stackAdj, mpy::Op op, Scope* child);
    void finishRawCode();
    void writeU16(uint32_t value);

    ModuleTables& tables_;
    bool recordLines_;
    Pass pass_ = Pass::Scope;
    Scope* scope_ = nullptr;
    bool suppress_ = false;
    int stackSize_ = 0;
    size_t bytecodeOffset_ = 0;
    size_t bytecodeSize_ = 0;
    size_t codeInfoSize_ = 0;
    size_t childCount_ = 0;
    std::vector<uint8_t> bytecode_;
    std::vector<uint8_t> lineTable_;
    uint32_t lastSourceLine_ = 1;
    size_t lastSourceLineOffset_ = 0;
    std::vector<size_t> labelOffsets_;
    std::vector<uint8_t> prefix_; ///< simple name + argument names (vuint qstr indices)
    bool overflow_ = false;
    std::vector<uint8_t> encoded_; ///< scratch: the instruction writeUint / loadConstSmallInt encode
    // .mpy v5
    bool v5_ = false;
    std::string sourceName_;
    int smallIntBits_ = 31;
    bool cacheLookupBc_ = false;
    bool lastEmitWasReturn_ = false;
    std::vector<mpy::Constant> objects_; ///< this pass's per-function constant objects
    size_t previousObjectCount_ = 0;     ///< objects of the previous pass (for MAKE_* indices)
    std::vector<std::string> argNames_;
};

} // namespace mpyseal::compiler
