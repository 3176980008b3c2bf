// Expression templates, assignment targets and conditional jumps (mpy-format.md §5.7.2, §5.7.3, §5.7.8).
#include "CompilerImpl.h"
#include "Parser.h"

#include "mpyseal/common/FloatText.h"

#include <cmath>

namespace mpyseal::compiler {

namespace {

bool containsNaN(const ConstValue& v) {
    if ((v.kind == ConstValue::Kind::Float || v.kind == ConstValue::Kind::Complex) &&
        std::isnan(v.floatValue))
        return true;
    for (const auto& item : v.items)
        if (containsNaN(item)) return true;
    return false;
}

mpy::Constant toMpyConstant(const ConstValue& v, bool v5) {
    mpy::Constant c;
    switch (v.kind) {
    case ConstValue::Kind::Int:
        c.kind = mpy::Constant::Kind::Int;
        c.text = v.intValue.get_str(10);
        break;
    case ConstValue::Kind::Float:
        c.kind = mpy::Constant::Kind::Float;
        c.text =
            v5 ? common::reprMicroPython113Float(v.floatValue) : common::reprMicroPythonFloat(v.floatValue);
        break;
    case ConstValue::Kind::Complex:
        c.kind = mpy::Constant::Kind::Complex;
        c.text = v5 ? common::reprMicroPython113Imaginary(v.floatValue)
                    : common::reprMicroPythonImaginary(v.floatValue);
        break;
    case ConstValue::Kind::Str:
        c.kind = mpy::Constant::Kind::Str;
        c.text = v.bytes;
        break;
    case ConstValue::Kind::Bytes:
        c.kind = mpy::Constant::Kind::Bytes;
        c.text = v.bytes;
        break;
    case ConstValue::Kind::Tuple:
        c.kind = mpy::Constant::Kind::Tuple;
        for (const auto& item : v.items) c.items.push_back(toMpyConstant(item, v5));
        break;
    case ConstValue::Kind::None: c.kind = mpy::Constant::Kind::None; break;
    case ConstValue::Kind::False: c.kind = mpy::Constant::Kind::False; break;
    case ConstValue::Kind::True: c.kind = mpy::Constant::Kind::True; break;
    case ConstValue::Kind::Ellipsis: c.kind = mpy::Constant::Kind::Ellipsis; break;
    }
    return c;
}

} // namespace

void CodeGenerator::compileLeaf(Node* pn) {
    switch (pn->kind) {
    case NodeKind::Name: loadId(pn->text); break;
    case NodeKind::SmallInt: emit_.loadConstSmallInt(pn->intValue); break;
    case NodeKind::String: emit_.loadConstString(pn->text); break;
    case NodeKind::Token:
        switch (static_cast<TokenKind>(pn->intValue)) {
        case TokenKind::KwNone: emit_.loadConstNone(); break;
        case TokenKind::KwTrue: emit_.loadConstTrue(); break;
        case TokenKind::KwFalse: emit_.loadConstFalse(); break;
        default: emit_.loadConstEllipsis(); break;
        }
        break;
    default: break;
    }
}

void CodeGenerator::compileConstObject(Node* pn) {
    // NaN is never equal to itself, so each NaN literal gets its own table entry (as in MicroPython).
    const void* identity = containsNaN(*pn->constant) ? pn->constant : nullptr;
    emit_.loadConstObj(toMpyConstant(*pn->constant, v5_), identity);
}

void CodeGenerator::compileExpression(Node* pn) {
    switch (pn->kind) {
    case NodeKind::ConstObject: compileConstObject(pn); return;
    case NodeKind::NamedExpr: compileNamedExprHelper(pn->kids[0], pn->kids[1]); return;
    case NodeKind::TestIfExpr: compileTestIfExpr(pn); return;
    case NodeKind::Lambda: compileLambda(pn); return;
    case NodeKind::OrTest: compileOrAndTest(pn, true); return;
    case NodeKind::AndTest: compileOrAndTest(pn, false); return;
    case NodeKind::NotTest:
        compileNode(pn->kids[0]);
        emit_.unaryOp(mpy::UnaryOp::Not);
        return;
    case NodeKind::Comparison: compileComparison(pn); return;
    case NodeKind::StarExpr: syntaxError(pn, "*x must be assignment target");
    case NodeKind::ExprOr:
    case NodeKind::XorExpr:
    case NodeKind::AndExpr: {
        auto op = pn->kind == NodeKind::ExprOr    ? mpy::BinaryOp::Or
                  : pn->kind == NodeKind::XorExpr ? mpy::BinaryOp::Xor
                                                  : mpy::BinaryOp::And;
        compileNode(pn->kids[0]);
        for (size_t i = 1; i < pn->kids.size(); ++i) {
            compileNode(pn->kids[i]);
            emit_.binaryOp(static_cast<int>(op));
        }
        return;
    }
    case NodeKind::ShiftExpr:
    case NodeKind::ArithExpr:
    case NodeKind::Term:
        compileNode(pn->kids[0]);
        for (size_t i = 1; i < pn->kids.size(); ++i) {
            compileNode(pn->kids[i]);
            emit_.binaryOp(pn->ops[i - 1]);
        }
        return;
    case NodeKind::Factor:
        compileNode(pn->kids[0]);
        emit_.unaryOp(static_cast<mpy::UnaryOp>(pn->intValue));
        return;
    case NodeKind::Power:
        compileNode(pn->kids[0]);
        compileNode(pn->kids[1]);
        emit_.binaryOp(static_cast<int>(mpy::BinaryOp::Power));
        return;
    case NodeKind::AtomAwait:
        if (scope_->kind != ScopeKind::Function && scope_->kind != ScopeKind::Lambda)
            syntaxError(pn, "'await' outside function");
        compileAtomExprTrailers(pn, 1);
        compileYieldFromTail();
        return;
    case NodeKind::AtomExpr: compileAtomExprTrailers(pn, 1); return;
    case NodeKind::AtomParen: compileAtomParen(pn); return;
    case NodeKind::AtomBracket: compileAtomBracket(pn); return;
    case NodeKind::AtomBrace: compileAtomBrace(pn); return;
    case NodeKind::TrailerParen: compileTrailerParenHelper(pn->kids[0], false, 0); return;
    case NodeKind::TrailerBracket:
        compileNode(pn->kids[0]);
        emit_.loadSubscr();
        return;
    case NodeKind::TrailerPeriod: emit_.loadAttr(pn->text); return;
    case NodeKind::Subscriptlist:
    case NodeKind::Testlist:
    case NodeKind::TestlistStarExpr:
    case NodeKind::Exprlist: compileTupleItems(pn->kids); return;
    case NodeKind::Subscript2:
    case NodeKind::Subscript3: compileSubscript(pn); return;
    case NodeKind::DictOrSetMakerItem:
        compileNode(pn->kids[1]); // the value goes first
        compileNode(pn->kids[0]);
        return;
    case NodeKind::YieldExpr:
    case NodeKind::YieldFrom: compileYield(pn); return;
    default: syntaxError(pn, "invalid syntax");
    }
}

void CodeGenerator::compileTupleItems(const std::vector<Node*>& items) {
    for (Node* item : items) compileNode(item);
    emit_.buildTuple(static_cast<int>(items.size()));
}

// ---------------------------------------------------------------------------------------------------
// assignment targets

void CodeGenerator::assign(Node* pn, AssignKind kind) {
    switch (pn->kind) {
    case NodeKind::Name:
        if (kind == AssignKind::AugLoad) {
            loadId(pn->text);
        } else {
            storeId(pn->text);
        }
        return;
    case NodeKind::AtomExpr: assignAtomExpr(pn, kind); return;
    case NodeKind::TestlistStarExpr:
    case NodeKind::Exprlist:
        if (kind != AssignKind::Store) break;
        assignTuple(pn->kids);
        return;
    case NodeKind::AtomParen:
        if (pn->kids.empty() || kind != AssignKind::Store || pn->kids[0]->kind != NodeKind::TestlistComp)
            break;
        assignTuple(pn->kids[0]->kids);
        return;
    case NodeKind::AtomBracket:
        if (kind != AssignKind::Store) break;
        if (pn->kids.empty()) {
            assignTuple({});
        } else if (pn->kids[0]->kind == NodeKind::TestlistComp) {
            assignTuple(pn->kids[0]->kids);
        } else if (pn->kids[0]->kind == NodeKind::Comprehension) {
            break;
        } else {
            assignTuple({pn->kids[0]});
        }
        return;
    default: break;
    }
    syntaxError(pn, "can't assign to expression");
}

void CodeGenerator::assignAtomExpr(Node* pn, AssignKind kind) {
    size_t n = pn->kids.size();
    if (kind != AssignKind::AugStore) {
        compileNode(pn->kids[0]);
        for (size_t i = 1; i + 1 < n; ++i) compileNode(pn->kids[i]);
    }
    Node* last = pn->kids[n - 1];
    if (last->kind == NodeKind::TrailerBracket) {
        if (kind == AssignKind::AugStore) {
            emit_.rotThree();
            emit_.storeSubscr();
        } else {
            compileNode(last->kids[0]);
            if (kind == AssignKind::AugLoad) {
                emit_.dupTopTwo();
                emit_.loadSubscr();
            } else {
                emit_.storeSubscr();
            }
        }
        return;
    }
    if (last->kind == NodeKind::TrailerPeriod) {
        if (kind == AssignKind::AugLoad) {
            emit_.dupTop();
            emit_.loadAttr(last->text);
        } else {
            if (kind == AssignKind::AugStore) emit_.rotTwo();
            emit_.storeAttr(last->text);
        }
        return;
    }
    syntaxError(pn, "can't assign to expression");
}

void CodeGenerator::assignTuple(const std::vector<Node*>& items) {
    int starIndex = -1;
    for (size_t i = 0; i < items.size(); ++i) {
        if (items[i]->kind != NodeKind::StarExpr) continue;
        if (starIndex >= 0) syntaxError(items[i], "multiple *x in assignment");
        emit_.unpackEx(static_cast<int>(i), static_cast<int>(items.size() - i - 1));
        starIndex = static_cast<int>(i);
    }
    if (starIndex < 0) emit_.unpackSequence(static_cast<int>(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
        if (static_cast<int>(i) == starIndex) {
            assign(items[i]->kids[0], AssignKind::Store);
        } else {
            assign(items[i], AssignKind::Store);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// conditions and operators

void CodeGenerator::ifCond(Node* pn, bool jumpIf, uint32_t label) {
    if (constFalse(pn)) {
        if (!jumpIf) emit_.jump(label);
        return;
    }
    if (constTrue(pn)) {
        if (jumpIf) emit_.jump(label);
        return;
    }
    bool isOr = pn->kind == NodeKind::OrTest;
    if (isOr || pn->kind == NodeKind::AndTest) {
        size_t n = pn->kids.size();
        if (isOr != jumpIf) {
            // or-false / and-true: the last operand decides, the others short-circuit past it
            uint32_t label2 = nextLabel();
            for (size_t i = 0; i + 1 < n; ++i) ifCond(pn->kids[i], !jumpIf, label2);
            ifCond(pn->kids[n - 1], jumpIf, label);
            emit_.labelAssign(label2);
        } else {
            for (Node* kid : pn->kids) ifCond(kid, jumpIf, label);
        }
        return;
    }
    if (pn->kind == NodeKind::NotTest) {
        ifCond(pn->kids[0], !jumpIf, label);
        return;
    }
    if (v5_ && pn->kind == NodeKind::AtomParen) {
        // 1.13 takes a parenthesised tuple (or generator) as true without evaluating it, () as false.
        if (pn->kids.empty() != jumpIf) emit_.jump(label);
        return;
    }
    compileNode(pn);
    emit_.popJumpIf(jumpIf, label);
}

void CodeGenerator::compileComparison(Node* pn) {
    size_t n = pn->kids.size();
    compileNode(pn->kids[0]);
    bool multi = n > 2;
    uint32_t fail = multi ? nextLabel() : 0;
    for (size_t i = 1; i < n; ++i) {
        compileNode(pn->kids[i]);
        bool more = i + 1 < n;
        if (more) {
            emit_.dupTop();
            emit_.rotThree();
        }
        emit_.binaryOp(pn->ops[i - 1]);
        if (more) emit_.jumpIfOrPop(false, fail);
    }
    if (multi) {
        uint32_t end = nextLabel();
        emit_.jump(end);
        emit_.labelAssign(fail);
        emit_.adjustStackSize(1);
        emit_.rotTwo();
        emit_.popTop();
        emit_.labelAssign(end);
    }
}

void CodeGenerator::compileOrAndTest(Node* pn, bool cond) {
    uint32_t end = nextLabel();
    size_t n = pn->kids.size();
    for (size_t i = 0; i < n; ++i) {
        compileNode(pn->kids[i]);
        if (i + 1 < n) emit_.jumpIfOrPop(cond, end);
    }
    emit_.labelAssign(end);
}

void CodeGenerator::compileTestIfExpr(Node* pn) {
    uint32_t fail = nextLabel();
    uint32_t end = nextLabel();
    ifCond(pn->kids[1], false, fail);
    compileNode(pn->kids[0]);
    emit_.jump(end);
    emit_.labelAssign(fail);
    emit_.adjustStackSize(-1);
    compileNode(pn->kids[2]);
    emit_.labelAssign(end);
}

void CodeGenerator::compileNamedExprHelper(Node* name, Node* value) {
    if (!name->isName()) syntaxError(name, "can't assign to expression");
    compileNode(value);
    emit_.dupTop();
    const std::string& target = name->text;
    if (v5_ && isComprehensionLike(scope_->kind)) {
        // 1.13 emits the enclosing scope's own store (kind and slot) into the comprehension (mpy-v5.md §5.4).
        if (pass_ == Pass::Scope) {
            bool added = false;
            IdInfo* parentId = scope_->parent->findOrAdd(target, IdKind::GlobalImplicit, added);
            if (parentId->kind == IdKind::GlobalImplicit)
                parentId->kind =
                    isFunctionLike(scope_->parent->kind) ? IdKind::Local : IdKind::GlobalImplicitAssigned;
        } else {
            storeIdInScope(scope_->parent, target);
        }
        return;
    }
    // In a comprehension, := binds in the enclosing scope (PEP 572).
    if (pass_ == Pass::Scope && isComprehensionLike(scope_->kind)) {
        Scope* parent = scope_->parent;
        bool added = false;
        IdInfo* parentId = parent->findOrAdd(target, IdKind::GlobalImplicit, added);
        if (parentId->kind == IdKind::GlobalImplicit)
            parentId->kind = isFunctionLike(parent->kind) ? IdKind::Local : IdKind::GlobalImplicitAssigned;
        if (parentId->kind == IdKind::GlobalExplicit) {
            scope_->findOrAdd(target, IdKind::GlobalExplicit, added);
        } else {
            IdInfo* id = scope_->findOrAdd(target, IdKind::Undecided, added);
            bool atModuleLevel = parent->parent == nullptr;
            // Already referenced here but to be closed over now: declare it afresh.
            if (!atModuleLevel && id->kind == IdKind::GlobalImplicit) id->kind = IdKind::Undecided;
            if (atModuleLevel) {
                declareGlobal(id, name);
            } else {
                declareNonlocal(id, name);
            }
        }
    }
    storeId(target);
}

void CodeGenerator::compileLambda(Node* pn) {
    if (pass_ == Pass::Scope) pn->scope = newScope(ScopeKind::Lambda, pn, "<lambda>", scope_->emitKind);
    compileFuncdefLambdef(static_cast<Scope*>(pn->scope), pn->kids[0]);
}

void CodeGenerator::compileYield(Node* pn) {
    if (scope_->kind != ScopeKind::Function && scope_->kind != ScopeKind::Lambda)
        syntaxError(pn, "'yield' outside function");
    if (pn->kind == NodeKind::YieldFrom) {
        compileNode(pn->kids[0]);
        compileYieldFromTail();
        return;
    }
    if (pn->kids[0]->isNull()) {
        emit_.loadConstNone();
    } else {
        compileNode(pn->kids[0]);
    }
    emit_.yieldValue();
}

void CodeGenerator::compileYieldFromTail() {
    emit_.getIter(false);
    emit_.loadConstNone();
    emit_.yieldFrom();
}

// ---------------------------------------------------------------------------------------------------
// atoms and trailers

void CodeGenerator::compileAtomExprTrailers(Node* pn, size_t firstTrailer) {
    compileNode(pn->kids[0]);
    std::vector<Node*> trailers(pn->kids.begin() + static_cast<long>(firstTrailer), pn->kids.end());
    size_t n = trailers.size();
    size_t i = 0;
    // super() inside a method: pass __class__ and the first parameter explicitly.
    if (n > 0 && scope_->kind == ScopeKind::Function && pn->kids[0]->isName() &&
        pn->kids[0]->text == "super" && trailers[0]->kind == NodeKind::TrailerParen &&
        trailers[0]->kids[0]->isNull()) {
        loadId("__class__");
        const IdInfo* self = nullptr;
        for (const auto& id : scope_->ids) {
            if (id.flags & kIdFlagParam) {
                self = &id;
                break;
            }
        }
        if (self == nullptr) syntaxError(trailers[0], "super() can't find self");
        loadId(std::string(self->name));
        if (n >= 3 && trailers[1]->kind == NodeKind::TrailerPeriod &&
            trailers[2]->kind == NodeKind::TrailerParen) {
            emit_.loadMethod(trailers[1]->text, true);
            compileTrailerParenHelper(trailers[2]->kids[0], true, 0);
            i = 3;
        } else {
            emit_.callFunction(2, 0, false);
            i = 1;
        }
    }
    for (; i < n; ++i) {
        if (i + 1 < n && trailers[i]->kind == NodeKind::TrailerPeriod &&
            trailers[i + 1]->kind == NodeKind::TrailerParen) {
            // a.f(...) loads the method without creating a bound-method object
            emit_.loadMethod(trailers[i]->text, false);
            compileTrailerParenHelper(trailers[i + 1]->kids[0], true, 0);
            ++i;
        } else {
            compileNode(trailers[i]);
        }
    }
}

// name=value in a call: the name as a string, then the value (both call conventions).
void CodeGenerator::compileKeywordArgument(Node* arg) {
    if (!arg->kids[0]->isName()) syntaxError(arg, "LHS of keyword arg must be an id");
    emit_.loadConstString(arg->kids[0]->text);
    compileNode(arg->kids[1]);
}

void CodeGenerator::compileTrailerParenHelper(Node* arglist, bool isMethodCall, int nPositionalExtra) {
    if (v5_) {
        compileTrailerParenHelperV5(arglist, isMethodCall, nPositionalExtra);
        return;
    }
    int nPositional = nPositionalExtra;
    int nKeyword = 0;
    bool haveSingleStar = false, haveDoubleStar = false;
    uint64_t starArgs = 0;
    const std::vector<Node*>& args = arglist->kids; // none for a Null arglist
    for (size_t i = 0; i < args.size(); ++i) {
        Node* arg = args[i];
        switch (arg->kind) {
        case NodeKind::ArglistStar:
            if (haveDoubleStar) syntaxError(arg, "* arg after **");
            if (nKeyword > 0) syntaxError(arg, "* arg after kwarg");
            if (i >= static_cast<size_t>(options_.smallIntBits - 1)) syntaxError(arg, "too many args");
            haveSingleStar = true;
            starArgs |= uint64_t(1) << i;
            compileNode(arg->kids[0]);
            ++nPositional;
            break;
        case NodeKind::ArglistDblStar:
            haveDoubleStar = true;
            emit_.loadNull(); // a ** mapping travels as a keyword pair with a NULL name
            compileNode(arg->kids[0]);
            ++nKeyword;
            break;
        case NodeKind::Argument:
            compileKeywordArgument(arg);
            ++nKeyword;
            break;
        case NodeKind::Comprehension:
            compileComprehension(arg, ScopeKind::GenExpr);
            ++nPositional;
            break;
        default:
            if (arg->kind == NodeKind::NamedExpr && arg->intValue == 1) {
                compileNamedExprHelper(arg->kids[0], arg->kids[1]);
                ++nPositional;
                break;
            }
            if (haveDoubleStar) syntaxError(arg, "positional arg after **");
            if (nKeyword > 0) syntaxError(arg, "positional arg after keyword arg");
            compileNode(arg);
            ++nPositional;
            break;
        }
    }
    bool star = haveSingleStar || haveDoubleStar;
    if (star) emit_.loadConstSmallInt(static_cast<int64_t>(starArgs));
    if (isMethodCall) {
        emit_.callMethod(nPositional, nKeyword, star);
    } else {
        emit_.callFunction(nPositional, nKeyword, star);
    }
}

// MicroPython 1.13's call convention: at most one *seq and one **map, evaluated after the other arguments
// and passed as two trailing slots (NULL when absent) (mpy-v5.md §2.5).
void CodeGenerator::compileTrailerParenHelperV5(Node* arglist, bool isMethodCall, int nPositionalExtra) {
    int nPositional = nPositionalExtra;
    int nKeyword = 0;
    Node* star = nullptr;
    Node* dblStar = nullptr;
    const std::vector<Node*>& args = arglist->kids; // none for a Null arglist
    for (Node* arg : args) {
        switch (arg->kind) {
        case NodeKind::ArglistStar:
            if (star != nullptr) syntaxError(arg, "can't have multiple *x");
            star = arg->kids[0];
            break;
        case NodeKind::ArglistDblStar:
            if (dblStar != nullptr) syntaxError(arg, "can't have multiple **x");
            dblStar = arg->kids[0];
            break;
        case NodeKind::Argument:
            compileKeywordArgument(arg);
            ++nKeyword;
            break;
        default:
            if (star != nullptr || dblStar != nullptr) syntaxError(arg, "non-keyword arg after */**");
            if (nKeyword > 0) syntaxError(arg, "non-keyword arg after keyword arg");
            if (arg->kind == NodeKind::Comprehension) {
                compileComprehension(arg, ScopeKind::GenExpr);
            } else if (arg->kind == NodeKind::NamedExpr && arg->intValue == 1) {
                compileNamedExprHelper(arg->kids[0], arg->kids[1]);
            } else {
                compileNode(arg);
            }
            ++nPositional;
            break;
        }
    }
    bool hasStar = star != nullptr || dblStar != nullptr;
    if (hasStar) {
        if (star != nullptr) {
            compileNode(star);
        } else {
            emit_.loadNull();
        }
        if (dblStar != nullptr) {
            compileNode(dblStar);
        } else {
            emit_.loadNull();
        }
    }
    if (isMethodCall) {
        emit_.callMethod(nPositional, nKeyword, hasStar);
    } else {
        emit_.callFunction(nPositional, nKeyword, hasStar);
    }
}

void CodeGenerator::compileSubscript(Node* pn) {
    if (pn->kind == NodeKind::Subscript2) {
        compileNode(pn->kids[0]);
    } else {
        emit_.loadConstNone();
    }
    if (pn->kids[1]->isNull()) {
        emit_.loadConstNone();
    } else {
        compileNode(pn->kids[1]);
    }
    if (pn->kids[2]->isNull()) {
        emit_.buildSlice(2);
    } else {
        compileNode(pn->kids[2]);
        emit_.buildSlice(3);
    }
}

void CodeGenerator::compileAtomParen(Node* pn) {
    if (pn->kids.empty()) {
        emit_.buildTuple(0);
    } else if (pn->kids[0]->kind == NodeKind::Comprehension) {
        compileComprehension(pn->kids[0], ScopeKind::GenExpr);
    } else {
        compileTupleItems(pn->kids[0]->kids);
    }
}

void CodeGenerator::compileAtomBracket(Node* pn) {
    if (pn->kids.empty()) {
        emit_.buildList(0);
        return;
    }
    Node* inner = pn->kids[0];
    if (inner->kind == NodeKind::Comprehension) {
        compileComprehension(inner, ScopeKind::ListComp);
    } else if (inner->kind == NodeKind::TestlistComp) {
        for (Node* item : inner->kids) compileNode(item);
        emit_.buildList(static_cast<int>(inner->kids.size()));
    } else {
        compileNode(inner);
        emit_.buildList(1);
    }
}

void CodeGenerator::compileAtomBrace(Node* pn) {
    if (pn->kids.empty()) {
        emit_.buildMap(0);
        return;
    }
    Node* inner = pn->kids[0];
    if (inner->kind == NodeKind::DictOrSetMakerItem) {
        emit_.buildMap(1);
        compileNode(inner);
        emit_.storeMap();
    } else if (inner->kind == NodeKind::DictMaker || inner->kind == NodeKind::SetMaker) {
        bool isDict = inner->kind == NodeKind::DictMaker;
        size_t n = inner->kids.size();
        if (isDict) {
            emit_.buildMap(static_cast<int>(n));
            compileNode(inner->kids[0]);
            emit_.storeMap();
        } else {
            compileNode(inner->kids[0]);
        }
        for (size_t i = 1; i < n; ++i) {
            Node* item = inner->kids[i];
            bool isKeyValue = item->kind == NodeKind::DictOrSetMakerItem;
            compileNode(item);
            if (isDict) {
                if (!isKeyValue) syntaxError(inner, "expecting key:value for dict");
                emit_.storeMap();
            } else if (isKeyValue) {
                syntaxError(inner, "expecting just a value for set");
            }
        }
        if (!isDict) emit_.buildSet(static_cast<int>(n));
    } else if (inner->kind == NodeKind::Comprehension) {
        bool isDict = inner->kids[0]->kind == NodeKind::DictOrSetMakerItem;
        compileComprehension(inner, isDict ? ScopeKind::DictComp : ScopeKind::SetComp);
    } else {
        compileNode(inner);
        emit_.buildSet(1);
    }
}

} // namespace mpyseal::compiler
