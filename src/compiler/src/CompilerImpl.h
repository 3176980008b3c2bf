// The code generator: walks the parse tree once per scope and pass, driving the Emitter.
// Templates follow mpy-format.md §5.7; the structure mirrors MicroPython's compiler so that the pass
// order, table order, line records and stack accounting come out identical.
#pragma once

#include "Emitter.h"
#include "Parser.h"

#include "ParseNode.h"
#include "Scope.h"
#include "mpyseal/mpy/Encoding.h"

#include "mpyseal/compiler/Compiler.h"

#include <deque>
#include <memory>
#include <string>

namespace mpyseal::compiler {

inline constexpr uint32_t kInvalidLabel = 0xffff;

enum class AssignKind : uint8_t { Store, AugLoad, AugStore };
enum class IdOp : uint8_t { Load, Store, Delete };

class CodeGenerator {
  public:
    CodeGenerator(const CompileOptions& options, ParseTree& tree);
    /// Compiles the whole tree; once per generator (the result takes over its tables).
    mpy::MpyFile run();

    // ---- shared helpers (Compiler.cpp) ----
    [[noreturn]] void syntaxError(const Node* pn, const std::string& message);
    uint32_t nextLabel() { return nextLabel_++; }
    void compileNode(Node* pn);
    void compileGenericAll(Node* pn);
    void loadId(const std::string& name);
    void storeId(const std::string& name);
    void deleteId(const std::string& name);
    void emitIdOp(const IdInfo& id, IdOp op);
    Scope* newScope(ScopeKind kind, Node* pn, const std::string& simpleName, EmitKind emitKind);
    void closeOverVariablesEtc(Scope* child, int nPosDefaults, int nKwDefaults);
    void compileFuncdefLambdef(Scope* child, Node* params);
    std::string compileFuncdefHelper(Node* funcdef, EmitKind emitKind);
    std::string compileClassdefHelper(Node* classdef, EmitKind emitKind);
    void compileComprehension(Node* comp, ScopeKind kind);
    void increaseExceptLevel(uint32_t label, SetupBlock kind);
    void decreaseExceptLevel();

    // ---- statements (CompileStatements.cpp) ----
    void compileStatement(Node* pn);
    void compileExprStmt(Node* pn);
    void compileAssign(Node* pn);
    void compileAugAssign(Node* pn);
    void compileAnnAssign(Node* pn);
    void compileDel(Node* pn);
    void deleteTarget(Node* pn);
    void compileBreakContinue(Node* pn);
    void compileReturn(Node* pn);
    void compileRaise(Node* pn);
    void compileImportName(Node* pn);
    void compileImportFrom(Node* pn);
    std::string importName(Node* dotted, bool isAs);
    void compileGlobalNonlocal(Node* pn);
    void declareGlobal(IdInfo* id, const Node* pn);
    void declareNonlocal(IdInfo* id, const Node* pn);
    void compileAssert(Node* pn);
    void compileIf(Node* pn);
    void compileWhile(Node* pn);
    void compileFor(Node* pn);
    void compileForRange(Node* var, Node* start, Node* end, Node* step, Node* body, Node* orelse);
    void compileTry(Node* pn);
    void compileTryExcept(Node* body, const std::vector<Node*>& handlers, Node* orelse);
    void compileTryFinally(Node* body, const std::vector<Node*>& handlers, Node* orelse, Node* finally);
    void compileWith(Node* pn);
    void compileWithHelper(Node* pn, size_t item);
    void compileFuncDef(Node* pn);
    void compileAsyncFuncDef(Node* pn);
    void compileClassDef(Node* pn);
    void compileDecorated(Node* pn);
    bool compileBuiltinDecorator(Node* decorator, EmitKind& emitKind);
    void compileAsyncFor(Node* pn);
    void compileAsyncWith(Node* pn);
    void compileAsyncWithHelper(Node* pn, size_t item);

    // ---- expressions (CompileExpressions.cpp) ----
    void compileExpression(Node* pn);
    void compileConstObject(Node* pn);
    void compileLeaf(Node* pn);
    void assign(Node* pn, AssignKind kind);
    void assignAtomExpr(Node* pn, AssignKind kind);
    void assignTuple(const std::vector<Node*>& items);
    void ifCond(Node* pn, bool jumpIf, uint32_t label);
    /// Constant truth as the compiler's condition tests see it (v5: only True, False and small ints).
    bool constFalse(const Node* n) const { return isConstantNode(n, v5_) && !constantTruth(n); }
    bool constTrue(const Node* n) const { return isConstantNode(n, v5_) && constantTruth(n); }
    void storeIdInScope(Scope* scope, const std::string& name);
    void compileTrailerParenHelperV5(Node* arglist, bool isMethodCall, int nPositionalExtra);
    void compileNamedExprHelper(Node* name, Node* value);
    void compileTupleItems(const std::vector<Node*>& items);
    void compileAtomExprTrailers(Node* pn, size_t firstTrailer);
    void compileTrailerParenHelper(Node* arglist, bool isMethodCall, int nPositionalExtra);
    void compileKeywordArgument(Node* arg);
    void compileSubscript(Node* pn);
    void compileComparison(Node* pn);
    void compileOrAndTest(Node* pn, bool cond);
    void compileTestIfExpr(Node* pn);
    void compileLambda(Node* pn);
    void compileAtomParen(Node* pn);
    void compileAtomBracket(Node* pn);
    void compileAtomBrace(Node* pn);
    void compileYield(Node* pn);
    void compileYieldFromTail();

    // ---- scopes (Compiler.cpp) ----
    bool compileScope(Scope* scope, Pass pass);
    void compileScopeFuncParam(Node* param, bool isLambda);
    void compileFuncdefLambdefParam(Node* param);
    void compileScopeCompIter(Node* compFor, Node* innerExpr, int forDepth);
    void assembleRawCode(Scope* scope);

    const CompileOptions& options_;
    bool v5_ = false;
    ParseTree& tree_;
    ModuleTables tables_;
    Emitter emit_;
    std::deque<std::unique_ptr<Scope>> scopes_;
    Scope* scope_ = nullptr;
    Pass pass_ = Pass::Scope;
    uint32_t nextLabel_ = 0;
    uint32_t currentLine_ = 0; ///< line of the last dispatched node: where leaf errors are reported
    uint32_t breakLabel_ = kInvalidLabel;
    uint32_t continueLabel_ = kInvalidLabel;
    int breakContinueExceptLevel_ = 0;
    int curExceptLevel_ = 0;
    bool haveStar_ = false;
    int numDictParams_ = 0;
    int numDefaultParams_ = 0;
};

} // namespace mpyseal::compiler
