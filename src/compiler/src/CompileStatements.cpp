// Statement templates (mpy-format.md §5.7.3–§5.7.7).
#include "CompilerImpl.h"
#include "Parser.h"

#include <cstdint>

namespace mpyseal::compiler {

namespace {

// Saves and restores the break/continue targets around a loop body.
struct BreakContinueBlock {
    BreakContinueBlock(CodeGenerator& g) : gen(g) {
        oldBreak = g.breakLabel_;
        oldContinue = g.continueLabel_;
        oldLevel = g.breakContinueExceptLevel_;
        breakLabel = g.nextLabel();
        continueLabel = g.nextLabel();
        g.breakLabel_ = breakLabel;
        g.continueLabel_ = continueLabel;
        g.breakContinueExceptLevel_ = g.curExceptLevel_;
    }
    void end() {
        gen.breakLabel_ = oldBreak;
        gen.continueLabel_ = oldContinue;
        gen.breakContinueExceptLevel_ = oldLevel;
    }
    CodeGenerator& gen;
    uint32_t oldBreak, oldContinue;
    int oldLevel;
    uint32_t breakLabel, continueLabel;
};

} // namespace

void CodeGenerator::compileStatement(Node* pn) {
    switch (pn->kind) {
    case NodeKind::Pass: return;
    case NodeKind::Break:
    case NodeKind::Continue: compileBreakContinue(pn); return;
    case NodeKind::ExprStmt: compileExprStmt(pn); return;
    case NodeKind::Assign: compileAssign(pn); return;
    case NodeKind::AugAssign: compileAugAssign(pn); return;
    case NodeKind::AnnAssign: compileAnnAssign(pn); return;
    case NodeKind::Del: compileDel(pn); return;
    case NodeKind::Return: compileReturn(pn); return;
    case NodeKind::YieldStmt:
        compileNode(pn->kids[0]);
        emit_.popTop();
        return;
    case NodeKind::Raise: compileRaise(pn); return;
    case NodeKind::ImportName: compileImportName(pn); return;
    case NodeKind::ImportFrom: compileImportFrom(pn); return;
    case NodeKind::Global:
    case NodeKind::Nonlocal: compileGlobalNonlocal(pn); return;
    case NodeKind::Assert: compileAssert(pn); return;
    case NodeKind::If: compileIf(pn); return;
    case NodeKind::While: compileWhile(pn); return;
    case NodeKind::For: compileFor(pn); return;
    case NodeKind::Try: compileTry(pn); return;
    case NodeKind::With: compileWith(pn); return;
    case NodeKind::FuncDef: compileFuncDef(pn); return;
    case NodeKind::AsyncFuncDef: compileAsyncFuncDef(pn); return;
    case NodeKind::ClassDef: compileClassDef(pn); return;
    case NodeKind::Decorated: compileDecorated(pn); return;
    case NodeKind::AsyncFor:
    case NodeKind::AsyncWith:
        if (!(scope_->scopeFlags & mpy::kScopeFlagGenerator))
            syntaxError(pn->kids[0], "async for/with outside async function");
        if (pn->kind == NodeKind::AsyncFor) {
            compileAsyncFor(pn->kids[0]);
        } else {
            compileAsyncWith(pn->kids[0]);
        }
        return;
    default: syntaxError(pn, "invalid syntax");
    }
}

void CodeGenerator::compileExprStmt(Node* pn) {
    compileNode(pn->kids[0]);
    emit_.popTop();
}

void CodeGenerator::compileAssign(Node* pn) {
    size_t n = pn->kids.size();
    Node* value = pn->kids[n - 1];
    if (n > 2) {
        // a = b = v: store left-most first
        compileNode(value);
        emit_.dupTop();
        assign(pn->kids[0], AssignKind::Store);
        for (size_t i = 1; i + 1 < n; ++i) {
            if (i + 2 < n) emit_.dupTop();
            assign(pn->kids[i], AssignKind::Store);
        }
        return;
    }
    Node* target = pn->kids[0];
    // a, b = c, d and a, b, c = d, e, f use stack rotation instead of a tuple
    if (target->kind == NodeKind::TestlistStarExpr && value->kind == NodeKind::TestlistStarExpr &&
        target->kids.size() == value->kids.size() && (value->kids.size() == 2 || value->kids.size() == 3)) {
        bool anyStar = false;
        for (Node* t : target->kids) anyStar = anyStar || t->kind == NodeKind::StarExpr;
        for (Node* v : value->kids) anyStar = anyStar || v->kind == NodeKind::StarExpr;
        if (!anyStar) {
            for (Node* v : value->kids) compileNode(v);
            if (value->kids.size() == 3) emit_.rotThree();
            emit_.rotTwo();
            for (Node* t : target->kids) assign(t, AssignKind::Store);
            return;
        }
    }
    compileNode(value);
    assign(target, AssignKind::Store);
}

void CodeGenerator::compileAugAssign(Node* pn) {
    assign(pn->kids[0], AssignKind::AugLoad);
    compileNode(pn->kids[1]);
    emit_.binaryOp(static_cast<int>(pn->intValue));
    assign(pn->kids[0], AssignKind::AugStore);
}

void CodeGenerator::compileAnnAssign(Node* pn) {
    Node* target = pn->kids[0];
    Node* value = pn->kids[2];
    if (value->isNull()) {
        // `x: T` only declares x (a local inside a function); nothing is evaluated
        if (pass_ == Pass::Scope && target->isName() && isFunctionLike(scope_->kind)) storeId(target->text);
        return;
    }
    compileNode(value);
    assign(target, AssignKind::Store);
}

void CodeGenerator::compileDel(Node* pn) {
    Node* target = pn->kids[0];
    if (target->kind == NodeKind::Exprlist) {
        for (Node* t : target->kids) deleteTarget(t);
    } else {
        deleteTarget(target);
    }
}

void CodeGenerator::deleteTarget(Node* pn) {
    if (pn->isName()) {
        deleteId(pn->text);
        return;
    }
    if (pn->kind == NodeKind::AtomExpr) {
        compileNode(pn->kids[0]);
        size_t n = pn->kids.size();
        for (size_t i = 1; i + 1 < n; ++i) compileNode(pn->kids[i]);
        Node* last = pn->kids[n - 1];
        if (last->kind == NodeKind::TrailerBracket) {
            compileNode(last->kids[0]);
            emit_.deleteSubscr();
            return;
        }
        if (last->kind == NodeKind::TrailerPeriod) {
            emit_.deleteAttr(last->text);
            return;
        }
    } else if (pn->kind == NodeKind::AtomParen && !pn->kids.empty() &&
               pn->kids[0]->kind == NodeKind::TestlistComp) {
        for (Node* t : pn->kids[0]->kids) deleteTarget(t);
        return;
    }
    syntaxError(pn, "can't delete expression");
}

void CodeGenerator::compileBreakContinue(Node* pn) {
    uint32_t label = pn->kind == NodeKind::Break ? breakLabel_ : continueLabel_;
    if (label == kInvalidLabel) syntaxError(pn, "'break'/'continue' outside loop");
    emit_.unwindJump(label, curExceptLevel_ - breakContinueExceptLevel_);
}

void CodeGenerator::compileReturn(Node* pn) {
    if (scope_->kind != ScopeKind::Function && scope_->kind != ScopeKind::Lambda)
        syntaxError(pn, "'return' outside function");
    Node* value = pn->kids[0];
    if (value->isNull()) {
        emit_.loadConstNone();
    } else if (value->kind == NodeKind::TestIfExpr) {
        // return a if c else b: two returns instead of a jump over the else value
        uint32_t fail = nextLabel();
        ifCond(value->kids[1], false, fail);
        compileNode(value->kids[0]);
        emit_.returnValue();
        emit_.labelAssign(fail);
        compileNode(value->kids[2]);
    } else {
        compileNode(value);
    }
    emit_.returnValue();
}

void CodeGenerator::compileRaise(Node* pn) {
    if (pn->kids[0]->isNull()) {
        emit_.raise(0);
    } else if (!pn->kids[1]->isNull()) {
        compileNode(pn->kids[0]);
        compileNode(pn->kids[1]);
        emit_.raise(2);
    } else {
        compileNode(pn->kids[0]);
        emit_.raise(1);
    }
}

// Emits IMPORT_NAME for a dotted name and returns the name to bind (the first component).
std::string CodeGenerator::importName(Node* dotted, bool isAs) {
    if (dotted->isNull()) {
        emit_.importName("");
        return "";
    }
    std::string full;
    for (size_t i = 0; i < dotted->kids.size(); ++i) {
        if (i > 0) full += '.';
        full += dotted->kids[i]->text;
    }
    if (full.size() > kMaxQstrLength)
        throw CompileError(options_.sourceName, 0, "", "RuntimeError", "name too long", false);
    emit_.importName(full);
    if (isAs) {
        for (size_t i = 1; i < dotted->kids.size(); ++i) emit_.loadAttr(dotted->kids[i]->text);
    }
    return dotted->kids[0]->text;
}

void CodeGenerator::compileImportName(Node* pn) {
    for (Node* item : pn->kids) {
        emit_.loadConstSmallInt(0);
        emit_.loadConstNone();
        Node* as = item->kids[1];
        std::string base = importName(item->kids[0], !as->isNull());
        storeId(as->isNull() ? base : as->text);
    }
}

void CodeGenerator::compileImportFrom(Node* pn) {
    Node* module = pn->kids[0];
    if (pn->kids.size() == 2 && pn->kids[1]->isNull()) {
        if (scope_->kind != ScopeKind::Module) syntaxError(pn, "import * not at module level");
        emit_.loadConstSmallInt(pn->intValue);
        emit_.loadConstString("*");
        emit_.buildTuple(1);
        importName(module, false);
        emit_.importStar();
        return;
    }
    emit_.loadConstSmallInt(pn->intValue);
    size_t n = pn->kids.size() - 1;
    for (size_t i = 1; i <= n; ++i) emit_.loadConstString(pn->kids[i]->kids[0]->text);
    emit_.buildTuple(static_cast<int>(n));
    importName(module, false);
    for (size_t i = 1; i <= n; ++i) {
        Node* item = pn->kids[i];
        emit_.importFrom(item->kids[0]->text);
        storeId(item->kids[1]->isNull() ? item->kids[0]->text : item->kids[1]->text);
    }
    emit_.popTop();
}

void CodeGenerator::compileGlobalNonlocal(Node* pn) {
    if (pass_ != Pass::Scope) return;
    bool isGlobal = pn->kind == NodeKind::Global;
    if (!isGlobal && scope_->kind == ScopeKind::Module)
        syntaxError(pn, "can't declare nonlocal in outer code");
    for (Node* nameNode : pn->kids) {
        bool added = false;
        IdInfo* id = scope_->findOrAdd(nameNode->text, IdKind::Undecided, added);
        if (isGlobal) {
            declareGlobal(id, pn);
        } else {
            declareNonlocal(id, pn);
        }
    }
}

void CodeGenerator::declareGlobal(IdInfo* id, const Node* pn) {
    if (id->kind != IdKind::Undecided && id->kind != IdKind::GlobalExplicit)
        syntaxError(pn, "identifier redefined as global");
    id->kind = IdKind::GlobalExplicit;
    // A global declaration anywhere also makes the module's own accesses explicit.
    if (IdInfo* g = scope_->findGlobal(id->name)) g->kind = IdKind::GlobalExplicit;
}

void CodeGenerator::declareNonlocal(IdInfo* id, const Node* pn) {
    if (id->kind == IdKind::Undecided) {
        id->kind = IdKind::GlobalImplicit;
        scope_->checkToCloseOver(*id);
        if (id->kind == IdKind::GlobalImplicit) syntaxError(pn, "no binding for nonlocal found");
    } else if (id->kind != IdKind::Free) {
        syntaxError(pn, "identifier redefined as nonlocal");
    }
}

void CodeGenerator::compileAssert(Node* pn) {
    if (options_.optimizeLevel != 0) return;
    uint32_t end = nextLabel();
    ifCond(pn->kids[0], true, end);
    emit_.loadGlobal("AssertionError");
    if (!pn->kids[1]->isNull()) {
        compileNode(pn->kids[1]);
        emit_.callFunction(1, 0, false);
    }
    emit_.raise(1);
    emit_.labelAssign(end);
}

void CodeGenerator::compileIf(Node* pn) {
    uint32_t end = nextLabel();
    size_t nBranches = (pn->kids.size() - 1) / 2;
    Node* orelse = pn->kids.back();
    for (size_t b = 0; b < nBranches; ++b) {
        Node* cond = pn->kids[2 * b];
        Node* body = pn->kids[2 * b + 1];
        if (constFalse(cond)) continue;
        uint32_t fail = nextLabel();
        ifCond(cond, false, fail);
        compileNode(body);
        if (constTrue(cond)) {
            emit_.labelAssign(end);
            return;
        }
        // The first branch skips the jump when nothing follows; every elif jumps (even a trailing one).
        // (1.13 also omits it after a body that ended with RETURN_VALUE.)
        if ((b > 0 || nBranches > 1 || !orelse->isNull()) && !(v5_ && emit_.lastEmitWasReturn()))
            emit_.jump(end);
        emit_.labelAssign(fail);
    }
    compileNode(orelse);
    emit_.labelAssign(end);
}

void CodeGenerator::compileWhile(Node* pn) {
    BreakContinueBlock block(*this);
    Node* cond = pn->kids[0];
    if (!constFalse(cond)) {
        uint32_t top = nextLabel();
        if (!constTrue(cond)) emit_.jump(block.continueLabel);
        emit_.labelAssign(top);
        compileNode(pn->kids[1]);
        emit_.labelAssign(block.continueLabel);
        ifCond(cond, true, top);
    }
    block.end();
    compileNode(pn->kids[2]);
    emit_.labelAssign(block.breakLabel);
}

static bool isPlainRangeArg(const Node* n) {
    switch (n->kind) {
    case NodeKind::ArglistStar:
    case NodeKind::ArglistDblStar:
    case NodeKind::Argument:
    case NodeKind::Comprehension: return false;
    case NodeKind::NamedExpr: return n->intValue == 0;
    default: return true;
    }
}

void CodeGenerator::compileFor(Node* pn) {
    Node* target = pn->kids[0];
    Node* iter = pn->kids[1];
    // for x in range(...): a counter loop, chosen purely by the name `range` (§5.7.5)
    if (target->isName() && iter->kind == NodeKind::AtomExpr && iter->kids.size() == 2 &&
        iter->kids[0]->isName() && iter->kids[0]->text == "range" &&
        iter->kids[1]->kind == NodeKind::TrailerParen) {
        Node* argList = iter->kids[1]->kids[0];
        const std::vector<Node*>& args = argList->kids; // none for a Null arglist
        if (!args.empty() && args.size() <= 3) {
            Node* start;
            Node* end;
            Node* step;
            bool optimize = true;
            Node* zero = tree_.make(NodeKind::SmallInt, 0);
            Node* one = tree_.make(NodeKind::SmallInt, 0);
            one->intValue = 1;
            if (args.size() == 1) {
                start = zero;
                end = args[0];
                step = one;
            } else if (args.size() == 2) {
                start = args[0];
                end = args[1];
                step = one;
            } else {
                start = args[0];
                end = args[1];
                step = args[2];
                if (step->kind != NodeKind::SmallInt || step->intValue == 0) optimize = false;
            }
            if (optimize && (!isPlainRangeArg(start) || !isPlainRangeArg(end))) optimize = false;
            if (optimize) {
                compileForRange(target, start, end, step, pn->kids[2], pn->kids[3]);
                return;
            }
        }
    }
    BreakContinueBlock block(*this);
    breakLabel_ |= kBreakFromFor;
    uint32_t pop = nextLabel();
    compileNode(iter);
    emit_.getIter(true);
    emit_.labelAssign(block.continueLabel);
    emit_.forIter(pop);
    assign(target, AssignKind::Store);
    compileNode(pn->kids[2]);
    if (!(v5_ && emit_.lastEmitWasReturn())) emit_.jump(block.continueLabel); // 1.13 shortcut
    emit_.labelAssign(pop);
    emit_.forIterEnd();
    block.end();
    compileNode(pn->kids[3]);
    emit_.labelAssign(block.breakLabel);
}

void CodeGenerator::compileForRange(Node* var, Node* start, Node* end, Node* step, Node* body, Node* orelse) {
    BreakContinueBlock block(*this);
    uint32_t top = nextLabel();
    uint32_t entry = nextLabel();
    bool endOnStack = end->kind != NodeKind::SmallInt;
    if (endOnStack) compileNode(end);
    compileNode(start);
    emit_.jump(entry);
    emit_.labelAssign(top);
    emit_.dupTop();
    assign(var, AssignKind::Store);
    compileNode(body);
    emit_.labelAssign(block.continueLabel);
    compileNode(step);
    emit_.binaryOp(static_cast<int>(mpy::BinaryOp::InplaceAdd));
    emit_.labelAssign(entry);
    if (endOnStack) {
        emit_.dupTopTwo();
        emit_.rotTwo();
    } else {
        emit_.dupTop();
        compileNode(end);
    }
    emit_.binaryOp(static_cast<int>(step->intValue >= 0 ? mpy::BinaryOp::Less : mpy::BinaryOp::More));
    emit_.popJumpIf(true, top);
    block.end();
    uint32_t endLabel = 0;
    if (!orelse->isNull()) {
        emit_.popTop();
        if (endOnStack) emit_.popTop();
        compileNode(orelse);
        endLabel = nextLabel();
        emit_.jump(endLabel);
        emit_.adjustStackSize(1 + (endOnStack ? 1 : 0));
    }
    emit_.labelAssign(block.breakLabel);
    emit_.popTop();
    if (endOnStack) emit_.popTop();
    if (!orelse->isNull()) emit_.labelAssign(endLabel);
}

void CodeGenerator::compileTry(Node* pn) {
    Node* body = pn->kids[0];
    Node* orelse = pn->kids[1];
    Node* finally = pn->kids[2];
    std::vector<Node*> handlers(pn->kids.begin() + 3, pn->kids.end());
    if (finally->isNull()) {
        compileTryExcept(body, handlers, orelse);
    } else {
        compileTryFinally(body, handlers, orelse, finally);
    }
}

void CodeGenerator::compileTryExcept(Node* body, const std::vector<Node*>& handlers, Node* orelse) {
    uint32_t l1 = nextLabel();
    uint32_t success = nextLabel();
    increaseExceptLevel(l1, SetupBlock::Except);
    compileNode(body);
    emit_.popExceptJump(success);
    emit_.labelAssign(l1);
    emit_.adjustStackSize(4); // the exception, plus room for a pending unwind
    uint32_t l2 = nextLabel();
    for (size_t i = 0; i < handlers.size(); ++i) {
        Node* h = handlers[i];
        Node* type = h->kids[0];
        Node* name = h->kids[1];
        uint32_t endFinally = nextLabel();
        if (type->isNull()) {
            if (i + 1 != handlers.size()) syntaxError(h, "default 'except' must be last");
        } else {
            emit_.dupTop();
            compileNode(type);
            emit_.binaryOp(static_cast<int>(mpy::BinaryOp::ExceptionMatch));
            emit_.popJumpIf(false, endFinally);
        }
        if (name->isNull()) {
            emit_.popTop();
        } else {
            storeId(name->text);
        }
        // `except E as e:` deletes e afterwards, even on error: the body runs inside a try/finally.
        uint32_t l3 = 0;
        if (!name->isNull()) {
            l3 = nextLabel();
            increaseExceptLevel(l3, SetupBlock::Finally);
        }
        compileNode(h->kids[2]);
        if (!name->isNull()) {
            emit_.loadConstNone();
            emit_.labelAssign(l3);
            if (!v5_) emit_.adjustStackSize(1); // 1.13 lacks this allowance
            emit_.loadConstNone();
            storeId(name->text);
            deleteId(name->text);
            if (!v5_) emit_.adjustStackSize(-1);
            decreaseExceptLevel();
        }
        emit_.popExceptJump(l2);
        emit_.labelAssign(endFinally);
        emit_.adjustStackSize(1);
    }
    decreaseExceptLevel();
    emit_.adjustStackSize(-3);
    emit_.labelAssign(success);
    compileNode(orelse);
    emit_.labelAssign(l2);
}

void CodeGenerator::compileTryFinally(Node* body, const std::vector<Node*>& handlers, Node* orelse,
                                      Node* finally) {
    uint32_t finallyBlock = nextLabel();
    increaseExceptLevel(finallyBlock, SetupBlock::Finally);
    if (handlers.empty()) {
        emit_.adjustStackSize(3);
        compileNode(body);
        emit_.adjustStackSize(-3);
    } else {
        compileTryExcept(body, handlers, orelse);
    }
    emit_.loadConstNone();
    emit_.labelAssign(finallyBlock);
    if (!v5_) emit_.adjustStackSize(1); // room for a pending return value (absent in 1.13)
    compileNode(finally);
    if (!v5_) emit_.adjustStackSize(-1);
    decreaseExceptLevel();
}

void CodeGenerator::compileWith(Node* pn) {
    compileWithHelper(pn, 0);
}

void CodeGenerator::compileWithHelper(Node* pn, size_t item) {
    size_t nItems = pn->kids.size() - 1;
    if (item == nItems) {
        compileNode(pn->kids.back());
        return;
    }
    uint32_t end = nextLabel();
    Node* withItem = pn->kids[item];
    compileNode(withItem->kids[0]);
    increaseExceptLevel(end, SetupBlock::With);
    if (withItem->kids[1]->isNull()) {
        emit_.popTop();
    } else {
        assign(withItem->kids[1], AssignKind::Store);
    }
    compileWithHelper(pn, item + 1);
    emit_.withCleanup(end);
    decreaseExceptLevel();
}

void CodeGenerator::compileFuncDef(Node* pn) {
    std::string name = compileFuncdefHelper(pn, scope_->emitKind);
    storeId(name);
}

void CodeGenerator::compileAsyncFuncDef(Node* pn) {
    Node* funcdef = pn->kids[0];
    compileFuncDef(funcdef);
    static_cast<Scope*>(funcdef->scope)->scopeFlags |= mpy::kScopeFlagGenerator;
}

void CodeGenerator::compileClassDef(Node* pn) {
    std::string name = compileClassdefHelper(pn, scope_->emitKind);
    storeId(name);
}

bool CodeGenerator::compileBuiltinDecorator(Node* decorator, EmitKind& emitKind) {
    size_t nNames = decorator->kids.size() - 1;
    if (decorator->kids[0]->text != "micropython") return false;
    if (nNames != 2) syntaxError(nullptr, "invalid micropython decorator");
    const std::string& attr = decorator->kids[1]->text;
    if (attr == "bytecode") {
        emitKind = EmitKind::Bytecode;
    } else if (attr == "native" || attr == "viper") {
        emitKind = attr == "native" ? EmitKind::NativePython : EmitKind::Viper;
    } else if (attr == "asm_thumb" || attr == "asm_xtensa" || attr == "asm_rv32") {
        emitKind = EmitKind::Asm;
    } else {
        syntaxError(nullptr, "invalid micropython decorator");
    }
    // Native code needs a target architecture (mpy-cross's -march), as in mpy-cross.
    if (emitKind != EmitKind::Bytecode && !options_.archGiven) syntaxError(nullptr, "invalid arch");
    return true; // arguments of a built-in decorator are ignored, as in MicroPython
}

void CodeGenerator::compileDecorated(Node* pn) {
    size_t n = pn->kids.size() - 1;
    EmitKind emitKind = scope_->emitKind;
    size_t numBuiltin = 0;
    for (size_t i = 0; i < n; ++i) {
        Node* d = pn->kids[i];
        if (compileBuiltinDecorator(d, emitKind)) {
            ++numBuiltin;
            continue;
        }
        size_t nNames = d->kids.size() - 1;
        compileNode(d->kids[0]);
        for (size_t j = 1; j < nNames; ++j) emit_.loadAttr(d->kids[j]->text);
        if (!d->kids.back()->isNull()) compileNode(d->kids.back());
    }
    Node* body = pn->kids[n];
    std::string name;
    if (body->kind == NodeKind::FuncDef) {
        name = compileFuncdefHelper(body, emitKind);
    } else if (body->kind == NodeKind::AsyncFuncDef) {
        Node* funcdef = body->kids[0];
        name = compileFuncdefHelper(funcdef, emitKind);
        static_cast<Scope*>(funcdef->scope)->scopeFlags |= mpy::kScopeFlagGenerator;
    } else {
        name = compileClassdefHelper(body, emitKind);
    }
    for (size_t i = 0; i < n - numBuiltin; ++i) emit_.callFunction(1, 0, false);
    storeId(name);
}

// async for (§5.7.6)
void CodeGenerator::compileAsyncFor(Node* pn) {
    BreakContinueBlock block(*this);
    uint32_t whileElse = nextLabel();
    uint32_t tryExcept = nextLabel();
    uint32_t tryElse = nextLabel();
    uint32_t tryFinally = nextLabel();
    compileNode(pn->kids[1]);
    emit_.loadMethod("__aiter__", false);
    emit_.callMethod(0, 0, false);
    // 1.13 keeps the async iterator in a variable rather than on the stack: the iterable's own name if it is
    // a plain name, else a hidden local no user name can match (mpy-v5.md §5.7.5).
    std::string hidden;
    if (v5_) {
        Node* iter = pn->kids[1];
        hidden =
            iter->isName() ? iter->text : "\x01aiter" + std::to_string(reinterpret_cast<uintptr_t>(iter));
        storeId(hidden);
    }
    emit_.labelAssign(block.continueLabel);
    increaseExceptLevel(tryExcept, SetupBlock::Except);
    if (v5_) {
        loadId(hidden);
    } else {
        emit_.dupTop();
    }
    emit_.loadMethod("__anext__", false);
    emit_.callMethod(0, 0, false);
    compileYieldFromTail();
    assign(pn->kids[0], AssignKind::Store);
    emit_.popExceptJump(tryElse);
    emit_.labelAssign(tryExcept);
    emit_.adjustStackSize(4);
    emit_.dupTop();
    emit_.loadGlobal("StopAsyncIteration");
    emit_.binaryOp(static_cast<int>(mpy::BinaryOp::ExceptionMatch));
    emit_.popJumpIf(false, tryFinally);
    emit_.popTop();
    emit_.popExceptJump(whileElse);
    emit_.labelAssign(tryFinally);
    emit_.adjustStackSize(1);
    decreaseExceptLevel();
    emit_.adjustStackSize(-3);
    emit_.labelAssign(tryElse);
    compileNode(pn->kids[2]);
    emit_.jump(block.continueLabel);
    emit_.labelAssign(whileElse);
    block.end();
    compileNode(pn->kids[3]);
    emit_.labelAssign(block.breakLabel);
    if (!v5_) emit_.popTop(); // the iterator is on the stack only in 1.29
}

void CodeGenerator::compileAsyncWith(Node* pn) {
    compileAsyncWithHelper(pn, 0);
}

// async with (§5.7.6)
void CodeGenerator::compileAsyncWithHelper(Node* pn, size_t item) {
    size_t nItems = pn->kids.size() - 1;
    if (item == nItems) {
        compileNode(pn->kids.back());
        return;
    }
    uint32_t lFinally = nextLabel();
    uint32_t lEnd = nextLabel();
    uint32_t lRet = nextLabel();
    uint32_t lNoExc = nextLabel();
    Node* withItem = pn->kids[item];
    compileNode(withItem->kids[0]);
    emit_.dupTop();
    emit_.loadMethod("__aenter__", false);
    emit_.callMethod(0, 0, false);
    compileYieldFromTail();
    if (withItem->kids[1]->isNull()) {
        emit_.popTop();
    } else {
        assign(withItem->kids[1], AssignKind::Store);
    }
    increaseExceptLevel(lFinally, SetupBlock::Finally);
    emit_.adjustStackSize(3);
    compileAsyncWithHelper(pn, item + 1);
    emit_.adjustStackSize(-3);
    emit_.loadConstNone();
    emit_.rotTwo();
    emit_.jump(lNoExc);
    emit_.labelAssign(lFinally);
    emit_.dupTop();
    emit_.loadGlobal("BaseException");
    emit_.binaryOp(static_cast<int>(mpy::BinaryOp::ExceptionMatch));
    emit_.popJumpIf(false, lRet);
    emit_.dupTop();
    emit_.rotThree();
    emit_.rotTwo();
    emit_.loadMethod("__aexit__", false);
    emit_.rotThree();
    emit_.rotThree();
    emit_.dupTop();
    emit_.loadAttr("__class__");
    emit_.rotTwo();
    emit_.loadConstNone();
    emit_.callMethod(3, 0, false);
    compileYieldFromTail();
    emit_.popJumpIf(false, lEnd);
    emit_.popTop();
    emit_.loadConstNone();
    emit_.jump(lEnd);
    emit_.adjustStackSize(2);
    emit_.labelAssign(lRet);
    emit_.rotThree();
    emit_.rotThree();
    emit_.labelAssign(lNoExc);
    emit_.loadMethod("__aexit__", false);
    emit_.loadConstNone();
    emit_.dupTop();
    emit_.dupTop();
    emit_.callMethod(3, 0, false);
    compileYieldFromTail();
    emit_.popTop();
    emit_.adjustStackSize(-1);
    emit_.labelAssign(lEnd);
    decreaseExceptLevel();
}

} // namespace mpyseal::compiler
