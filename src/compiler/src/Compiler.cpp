// Compiler driver: scopes, passes, identifiers, function/class/comprehension creation.
#include "CompilerImpl.h"
#include "Parser.h"

#include "mpyseal/mpy/MpyWriter.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <utility>

namespace mpyseal::compiler {

CodeGenerator::CodeGenerator(const CompileOptions& options, ParseTree& tree)
    : options_(options), v5_(options.mpyVersion == 5), tree_(tree),
      emit_(tables_, options.sourceLines && options.optimizeLevel < 3) {
    if (v5_) emit_.setV5(options.sourceName, options.smallIntBits, options.cacheLookupBc);
}

void CodeGenerator::syntaxError(const Node* pn, const std::string& message) {
    uint32_t line = 0;
    if (pn != nullptr && !pn->isLeaf()) line = pn->line;
    // Errors on a leaf (or a folded node) are reported at the last node the compiler entered.
    if (line == 0) line = currentLine_;
    throw CompileError(options_.sourceName, static_cast<int>(line), scope_ ? scope_->simpleName : "<module>",
                       "SyntaxError", message);
}

Scope* CodeGenerator::newScope(ScopeKind kind, Node* pn, const std::string& simpleName, EmitKind emitKind) {
    auto scope = std::make_unique<Scope>();
    scope->kind = kind;
    scope->parent = scope_;
    scope->pn = pn;
    scope->simpleName = simpleName;
    scope->emitKind = emitKind;
    if (emitKind != EmitKind::Bytecode)
        throw CompileError(options_.sourceName, static_cast<int>(pn->line),
                           scope_ ? scope_->simpleName : "<module>", "NotImplementedError",
                           "native code emission is not supported yet");
    scopes_.push_back(std::move(scope));
    return scopes_.back().get();
}

void CodeGenerator::compileNode(Node* pn) {
    if (pn->isNull()) return;
    if (pn->isLeaf()) {
        compileLeaf(pn);
        return;
    }
    emit_.setSourceLine(pn->line);
    if (pn->line != 0) currentLine_ = pn->line;
    switch (pn->kind) {
    case NodeKind::FileInput:
    case NodeKind::SimpleStmtList:
    case NodeKind::SuiteBlock: compileGenericAll(pn); return;
    case NodeKind::Pass:
    case NodeKind::Break:
    case NodeKind::Continue:
    case NodeKind::ExprStmt:
    case NodeKind::Assign:
    case NodeKind::AugAssign:
    case NodeKind::AnnAssign:
    case NodeKind::Del:
    case NodeKind::Return:
    case NodeKind::YieldStmt:
    case NodeKind::Raise:
    case NodeKind::ImportName:
    case NodeKind::ImportFrom:
    case NodeKind::Global:
    case NodeKind::Nonlocal:
    case NodeKind::Assert:
    case NodeKind::If:
    case NodeKind::While:
    case NodeKind::For:
    case NodeKind::Try:
    case NodeKind::With:
    case NodeKind::FuncDef:
    case NodeKind::AsyncFuncDef:
    case NodeKind::AsyncFor:
    case NodeKind::AsyncWith:
    case NodeKind::ClassDef:
    case NodeKind::Decorated: compileStatement(pn); return;
    default: compileExpression(pn); return;
    }
}

void CodeGenerator::compileGenericAll(Node* pn) {
    for (Node* kid : pn->kids) compileNode(kid);
}

// ---------------------------------------------------------------------------------------------------
// identifiers

void CodeGenerator::loadId(const std::string& name) {
    if (pass_ == Pass::Scope) {
        bool added = false;
        IdInfo* id = scope_->findOrAdd(name, IdKind::GlobalImplicit, added);
        // 1.13 decides closures when a name is first seen (mpy-v5.md §5.4); 1.29 after the whole scope.
        if (v5_ && added) scope_->checkToCloseOver(*id);
        return;
    }
    emitIdOp(*scope_->find(name), IdOp::Load);
}

// Opcode choice by identifier kind (mpy-format.md §5.4.2): *_NAME, *_GLOBAL, *_FAST or *_DEREF.
void CodeGenerator::emitIdOp(const IdInfo& id, IdOp op) {
    const std::string& name = id.name;
    switch (id.kind) {
    case IdKind::GlobalImplicit:
    case IdKind::GlobalImplicitAssigned:
        if (op == IdOp::Load) emit_.loadName(name);
        if (op == IdOp::Store) emit_.storeName(name);
        if (op == IdOp::Delete) emit_.deleteName(name);
        break;
    case IdKind::GlobalExplicit:
        if (op == IdOp::Load) emit_.loadGlobal(name);
        if (op == IdOp::Store) emit_.storeGlobal(name);
        if (op == IdOp::Delete) emit_.deleteGlobal(name);
        break;
    case IdKind::Local:
        if (op == IdOp::Load) emit_.loadFast(id.localNum);
        if (op == IdOp::Store) emit_.storeFast(id.localNum);
        if (op == IdOp::Delete) emit_.deleteFast(id.localNum);
        break;
    default: // cell or free
        if (op == IdOp::Load) emit_.loadDeref(id.localNum);
        if (op == IdOp::Store) emit_.storeDeref(id.localNum);
        if (op == IdOp::Delete) emit_.deleteDeref(id.localNum);
        break;
    }
}

static void markModified(Scope* scope, const std::string& name, bool v5 = false) {
    bool added = false;
    IdInfo* id = scope->findOrAdd(name, IdKind::GlobalImplicit, added);
    // 1.13: a class body assigning a local of an enclosing function closes over it (mpy-v5.md §5.4)
    if (v5 && added && !isFunctionLike(scope->kind)) scope->checkToCloseOver(*id);
    if (id->kind == IdKind::GlobalImplicit)
        id->kind = isFunctionLike(scope->kind) ? IdKind::Local : IdKind::GlobalImplicitAssigned;
}

void CodeGenerator::storeId(const std::string& name) {
    if (pass_ == Pass::Scope) {
        markModified(scope_, name, v5_);
        return;
    }
    emitIdOp(*scope_->find(name), IdOp::Store);
}

// Emits the store of `name` as resolved in `scope` (1.13's walrus in a comprehension uses the parent's slot).
void CodeGenerator::storeIdInScope(Scope* scope, const std::string& name) {
    emitIdOp(*scope->find(name), IdOp::Store);
}

void CodeGenerator::deleteId(const std::string& name) {
    if (pass_ == Pass::Scope) {
        markModified(scope_, name, v5_);
        return;
    }
    emitIdOp(*scope_->find(name), IdOp::Delete);
}

// ---------------------------------------------------------------------------------------------------
// functions, classes, comprehensions

void CodeGenerator::closeOverVariablesEtc(Scope* child, int nPosDefaults, int nKwDefaults) {
    if (nKwDefaults > 0) child->scopeFlags |= mpy::kScopeFlagDefKwArgs;
    child->numDefPosArgs = nPosDefaults;
    // Closed-over cells are pushed in the order of this scope's identifier list.
    int nFree = 0;
    if (scope_->kind != ScopeKind::Module) {
        for (const auto& id : scope_->ids) {
            if (id.kind != IdKind::Cell && id.kind != IdKind::Free) continue;
            for (const auto& id2 : child->ids) {
                if (id2.kind == IdKind::Free && id.name == id2.name) {
                    emit_.loadFast(id.localNum);
                    ++nFree;
                }
            }
        }
    }
    if (nFree == 0) {
        emit_.makeFunction(child, nPosDefaults, nKwDefaults);
    } else {
        emit_.makeClosure(child, nFree, nPosDefaults, nKwDefaults);
    }
}

static bool paramHasLine(const Node* p) {
    return p->intValue != 0 || !p->kids[0]->isNull() || !p->kids[1]->isNull();
}

// Default values are evaluated in the enclosing scope (mpy-format.md §5.7.7).
void CodeGenerator::compileFuncdefLambdefParam(Node* p) {
    if (p->intValue == 1) {
        haveStar_ = true;
        return;
    }
    if (p->intValue == 2) return;
    Node* def = p->kids[0];
    if (def->isNull()) {
        if (!haveStar_ && numDefaultParams_ != 0)
            syntaxError(paramHasLine(p) ? p : nullptr, "non-default argument follows default argument");
        return;
    }
    if (haveStar_) {
        ++numDictParams_;
        if (numDictParams_ == 1) {
            if (numDefaultParams_ > 0) {
                emit_.buildTuple(numDefaultParams_);
            } else {
                emit_.loadNull();
            }
            emit_.buildMap(0);
        }
        compileNode(def);
        emit_.loadConstString(p->text);
        emit_.storeMap();
    } else {
        ++numDefaultParams_;
        compileNode(def);
    }
}

void CodeGenerator::compileFuncdefLambdef(Scope* child, Node* params) {
    bool savedHaveStar = haveStar_;
    int savedDict = numDictParams_, savedDefault = numDefaultParams_;
    haveStar_ = false;
    numDictParams_ = 0;
    numDefaultParams_ = 0;
    for (Node* p : params->kids) compileFuncdefLambdefParam(p);
    if (numDefaultParams_ > 0 && numDictParams_ == 0) {
        emit_.buildTuple(numDefaultParams_);
        emit_.loadNull();
    }
    closeOverVariablesEtc(child, numDefaultParams_, numDictParams_);
    haveStar_ = savedHaveStar;
    numDictParams_ = savedDict;
    numDefaultParams_ = savedDefault;
}

std::string CodeGenerator::compileFuncdefHelper(Node* funcdef, EmitKind emitKind) {
    if (pass_ == Pass::Scope)
        funcdef->scope = newScope(ScopeKind::Function, funcdef, funcdef->text, emitKind);
    Scope* child = static_cast<Scope*>(funcdef->scope);
    compileFuncdefLambdef(child, funcdef->kids[0]);
    return child->simpleName;
}

std::string CodeGenerator::compileClassdefHelper(Node* classdef, EmitKind emitKind) {
    if (pass_ == Pass::Scope)
        classdef->scope = newScope(ScopeKind::Class, classdef, classdef->text, emitKind);
    Scope* child = static_cast<Scope*>(classdef->scope);
    emit_.loadBuildClass();
    closeOverVariablesEtc(child, 0, 0);
    emit_.loadConstString(child->simpleName);
    compileTrailerParenHelper(classdef->kids[0], false, 2);
    return child->simpleName;
}

void CodeGenerator::compileComprehension(Node* comp, ScopeKind kind) {
    static const char* const kNames[] = {"<module>",   "<class>",   "<lambda>", "<listcomp>",
                                         "<dictcomp>", "<setcomp>", "<genexpr>"};
    if (pass_ == Pass::Scope)
        comp->scope = newScope(kind, comp, kNames[static_cast<int>(kind)], scope_->emitKind);
    Scope* child = static_cast<Scope*>(comp->scope);
    closeOverVariablesEtc(child, 0, 0);
    Node* compFor = comp->kids[1];
    compileNode(compFor->kids[1]); // the iterable of the first 'for', evaluated in this scope
    if (kind == ScopeKind::GenExpr) emit_.getIter(false);
    emit_.callFunction(1, 0, false);
}

void CodeGenerator::increaseExceptLevel(uint32_t label, SetupBlock kind) {
    emit_.setupBlock(label, kind);
    ++curExceptLevel_;
    if (curExceptLevel_ > scope_->excStackSize) scope_->excStackSize = curExceptLevel_;
}

void CodeGenerator::decreaseExceptLevel() {
    --curExceptLevel_;
    emit_.endFinally();
}

// ---------------------------------------------------------------------------------------------------
// scopes

void CodeGenerator::compileScopeFuncParam(Node* p, bool isLambda) {
    (void)isLambda;
    if (scope_->scopeFlags & mpy::kScopeFlagVarKeywords)
        syntaxError(paramHasLine(p) ? p : nullptr, "invalid syntax");
    std::string name;
    uint8_t flags = kIdFlagParam;
    if (p->intValue == 0) {
        name = p->text;
        if (haveStar_) {
            ++scope_->numKwonlyArgs;
        } else {
            ++scope_->numPosArgs;
        }
    } else if (p->intValue == 1) {
        if (haveStar_) syntaxError(p, "invalid syntax");
        haveStar_ = true;
        flags = kIdFlagParam | kIdFlagStarParam;
        if (!p->text.empty()) {
            scope_->scopeFlags |= mpy::kScopeFlagVarArgs;
            name = p->text;
        }
    } else {
        name = p->text;
        flags = kIdFlagParam | kIdFlagDblStarParam;
        scope_->scopeFlags |= mpy::kScopeFlagVarKeywords;
    }
    if (name.empty()) return;
    bool added = false;
    IdInfo* id = scope_->findOrAdd(name, IdKind::Undecided, added);
    if (id->kind != IdKind::Undecided) syntaxError(paramHasLine(p) ? p : nullptr, "argument name reused");
    id->kind = IdKind::Local;
    id->flags = flags;
}

void CodeGenerator::compileScopeCompIter(Node* compFor, Node* innerExpr, int forDepth) {
    uint32_t top = nextLabel();
    uint32_t end = nextLabel();
    emit_.labelAssign(top);
    emit_.forIter(end);
    assign(compFor->kids[0], AssignKind::Store);
    Node* iter = compFor->kids[2];
    for (;;) {
        if (iter->isNull()) {
            compileNode(innerExpr);
            if (scope_->kind == ScopeKind::GenExpr) {
                emit_.yieldValue();
                emit_.popTop();
            } else {
                emit_.storeComp(scope_->kind, 4 * forDepth + 5);
            }
            break;
        }
        if (iter->kind == NodeKind::CompIf) {
            ifCond(iter->kids[0], false, top);
            iter = iter->kids[1];
            continue;
        }
        compileNode(iter->kids[1]);
        emit_.getIter(true);
        compileScopeCompIter(iter, innerExpr, forDepth + 1);
        break;
    }
    emit_.jump(top);
    emit_.labelAssign(end);
    emit_.forIterEnd();
}

bool CodeGenerator::compileScope(Scope* scope, Pass pass) {
    pass_ = pass;
    scope_ = scope;
    nextLabel_ = 0;
    currentLine_ = scope->pn->line;
    breakLabel_ = kInvalidLabel;
    continueLabel_ = kInvalidLabel;
    breakContinueExceptLevel_ = 0;
    curExceptLevel_ = 0;
    if (pass == Pass::Scope) {
        scope->stackSize = 0;
        scope->excStackSize = 0;
    }
    emit_.startPass(pass, scope);
    Node* pn = scope->pn;
    switch (scope->kind) {
    case ScopeKind::Module:
        // A module without statements parses to no node at all, so it records no line.
        if (!pn->kids.empty()) compileNode(pn);
        emit_.loadConstNone();
        emit_.returnValue();
        break;
    case ScopeKind::Function:
        if (pass == Pass::Scope) {
            haveStar_ = false;
            for (Node* p : pn->kids[0]->kids) compileScopeFuncParam(p, false);
        }
        compileNode(pn->kids[1]);
        if (!(v5_ && emit_.lastEmitWasReturn())) { // 1.13 omits the trailing return after a return
            emit_.loadConstNone();
            emit_.returnValue();
        }
        break;
    case ScopeKind::Lambda:
        emit_.setSourceLine(pn->line);
        if (pass == Pass::Scope) {
            haveStar_ = false;
            for (Node* p : pn->kids[0]->kids) compileScopeFuncParam(p, true);
        }
        compileNode(pn->kids[1]);
        if (scope->scopeFlags & mpy::kScopeFlagGenerator) {
            emit_.popTop();
            emit_.loadConstNone();
        }
        emit_.returnValue();
        break;
    case ScopeKind::Class: {
        if (pass == Pass::Scope) {
            bool added = false;
            scope->findOrAdd("__class__", IdKind::Local, added);
        }
        loadId("__name__");
        storeId("__module__");
        emit_.loadConstString(scope->simpleName);
        storeId("__qualname__");
        compileNode(pn->kids[1]);
        IdInfo* id = scope->find("__class__");
        if (id->kind == IdKind::Local) {
            emit_.loadConstNone();
        } else {
            emit_.loadFast(id->localNum);
        }
        emit_.returnValue();
        break;
    }
    default: {
        // comprehension or generator expression; the iterator arrives as the only positional argument
        if (pass == Pass::Scope) {
            bool added = false;
            scope->findOrAdd("", IdKind::Local, added);
            scope->numPosArgs = 1;
        }
        emit_.setSourceLine(pn->line);
        if (scope->kind == ScopeKind::ListComp) emit_.buildList(0);
        if (scope->kind == ScopeKind::DictComp) emit_.buildMap(0);
        if (scope->kind == ScopeKind::SetComp) emit_.buildSet(0);
        if (scope->kind == ScopeKind::GenExpr) {
            emit_.loadNull();
            loadId("");
            emit_.loadNull();
            emit_.loadNull();
        } else {
            loadId("");
            emit_.getIter(true);
        }
        compileScopeCompIter(pn->kids[1], pn->kids[0], 0);
        if (scope->kind == ScopeKind::GenExpr) emit_.loadConstNone();
        emit_.returnValue();
        break;
    }
    }
    if (pass == Pass::Scope && !v5_) {
        // Names still global after the whole scope was seen may be free variables of an enclosing function.
        for (size_t i = 0; i < scope->ids.size(); ++i) {
            if (scope->ids[i].kind == IdKind::GlobalImplicit) scope->checkToCloseOver(scope->ids[i]);
        }
    }
    bool done = emit_.endPass();
    if (pass == Pass::Emit && done && emit_.overflow())
        throw CompileError(options_.sourceName, 0, "", "RuntimeError", "bytecode overflow", false);
    return done;
}

void CodeGenerator::assembleRawCode(Scope* scope) {
    for (Scope* child : scope->children) {
        assembleRawCode(child);
        scope->rawCode.children.push_back(std::move(child->rawCode));
    }
}

mpy::MpyFile CodeGenerator::run() {
    tables_.useQstr(options_.sourceName);
    newScope(ScopeKind::Module, tree_.root, "<module>", EmitKind::Bytecode);
    // Pass 1 over every scope, in creation order (new scopes are appended as they are found).
    for (size_t i = 0; i < scopes_.size(); ++i) compileScope(scopes_[i].get(), Pass::Scope);
    for (auto& s : scopes_) s->computeLocals();
    for (auto& s : scopes_) {
        compileScope(s.get(), Pass::StackSize);
        compileScope(s.get(), Pass::CodeSize);
        while (!compileScope(s.get(), Pass::Emit)) {}
    }
    Scope* module = scopes_.front().get();
    assembleRawCode(module);
    mpy::MpyFile file;
    file.version = v5_ ? 5 : 6;
    file.flags =
        v5_ ? static_cast<uint8_t>((options_.unicode ? 2 : 0) | (options_.cacheLookupBc ? 1 : 0)) : 0;
    file.smallIntBits = static_cast<uint8_t>(options_.smallIntBits);
    file.qstrs = std::move(tables_.qstrs); // the tables are complete: hand them over
    file.constants = std::move(tables_.constants);
    file.root = std::move(module->rawCode);
    return file;
}

// ---------------------------------------------------------------------------------------------------
// public API

CompileError::CompileError(std::string file, int line, std::string scope, std::string exceptionType,
                           std::string message, bool withTraceback)
    : std::runtime_error(exceptionType + ": " + message), file_(std::move(file)), line_(line),
      scope_(std::move(scope)), type_(std::move(exceptionType)), message_(std::move(message)),
      withTraceback_(withTraceback) {}

std::string CompileError::format() const {
    std::string out;
    if (withTraceback_) {
        out += "Traceback (most recent call last):\n";
        out += "  File \"" + file_ + "\", line " + std::to_string(line_);
        if (!scope_.empty()) out += ", in " + scope_;
        out += "\n";
    }
    out += type_ + ": " + message_ + "\n";
    return out;
}

namespace {

// The parser and code generator recurse once per nesting level; running them on a thread with a large
// stack keeps the nesting limit (not the platform's default stack) the thing that stops hostile input,
// also under sanitizers whose frames are much larger.
constexpr size_t kCompileStackBytes = size_t(1) << 30; // reserved, only touched pages are committed

// One long-lived worker per calling thread: creating a thread per compile would cost little normally, but
// under AddressSanitizer every thread exit clears the shadow of its whole stack.
class LargeStackWorker {
  public:
    LargeStackWorker() {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, kCompileStackBytes);
        started_ = pthread_create(&thread_, &attr, &LargeStackWorker::loop, this) == 0;
        pthread_attr_destroy(&attr);
    }
    ~LargeStackWorker() {
        if (!started_) return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            quit_ = true;
        }
        wake_.notify_all();
        pthread_join(thread_, nullptr);
    }
    LargeStackWorker(const LargeStackWorker&) = delete;
    LargeStackWorker& operator=(const LargeStackWorker&) = delete;

    void run(const std::function<void()>& work) {
        if (!started_) {
            work(); // no thread available: compile on the caller's stack
            return;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        job_ = &work;
        error_ = nullptr;
        wake_.notify_all();
        done_.wait(lock, [this] { return job_ == nullptr; });
        if (error_) std::rethrow_exception(error_);
    }

  private:
    static void* loop(void* arg) {
        auto* self = static_cast<LargeStackWorker*>(arg);
        std::unique_lock<std::mutex> lock(self->mutex_);
        for (;;) {
            self->wake_.wait(lock, [self] { return self->quit_ || self->job_ != nullptr; });
            if (self->job_ == nullptr) return nullptr; // quit
            try {
                (*self->job_)();
            } catch (...) {
                self->error_ = std::current_exception();
            }
            self->job_ = nullptr;
            self->done_.notify_all();
        }
    }

    pthread_t thread_{};
    bool started_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void()>* job_ = nullptr;
    std::exception_ptr error_;
    bool quit_ = false;
};

void runOnLargeStack(const std::function<void()>& work) {
    thread_local LargeStackWorker worker;
    worker.run(work);
}

mpy::MpyFile compileModuleOnThisStack(std::string_view source, const CompileOptions& options) {
    ParseTree tree;
    bool v5 = options.mpyVersion == 5;
    // 1.13's parser makes small-int leaves in the host's range; the target range is checked at emission.
    ParserConfig config{options.sourceName,     v5 ? 63 : options.smallIntBits, options.optimizeLevel, v5,
                        !v5 || options.unicode, !v5 || options.modernSyntax};
    try {
        parseModule(source, config, tree);
    } catch (CompileError& e) {
        if (e.file().empty()) // raised by the lexer, which does not know the file name
            throw CompileError(options.sourceName, 0, "", e.exceptionType(), e.message(), false);
        throw;
    }
    CodeGenerator generator(options, tree);
    return generator.run();
}

} // namespace

mpy::MpyFile compileModule(std::string_view source, const CompileOptions& options) {
    mpy::MpyFile result;
    runOnLargeStack([&] { result = compileModuleOnThisStack(source, options); });
    return result;
}

std::vector<uint8_t> compileToMpy(std::string_view source, const CompileOptions& options) {
    return mpy::writeMpy(compileModule(source, options));
}

} // namespace mpyseal::compiler
