#include "Parser.h"

#include "ConstantFolder.h"

#include "mpyseal/common/FloatText.h"
#include "mpyseal/compiler/Compiler.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <cmath>
#include <optional>

namespace mpyseal::compiler {

using mpy::BinaryOp;
using mpy::UnaryOp;

namespace {

// Nesting bound for hostile input (deeply nested brackets, unary chains, blocks): the recursive
// descent and the compiler's tree walk both use the C stack.
constexpr int kMaxDepth = 2000;

constexpr int kCompareNotIn = 100;
constexpr int kCompareIsNot = 101;

class Parser {
  public:
    Parser(std::string_view source, const ParserConfig& config, ParseTree& tree)
        : lex_(source, config.optimizeLevel), config_(config), tree_(tree) {
        interned_.insert(config.sourceName);
    }

    Node* parseFileInput();

  private:
    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) {
            if (++parser.depth_ > kMaxDepth)
                throw CompileError(parser.config_.sourceName, static_cast<int>(parser.tok().line), "",
                                   "RuntimeError", "maximum recursion depth exceeded");
        }
        ~DepthGuard() { --parser.depth_; }
        Parser& parser;
    };

    const Token& tok() const { return lex_.current(); }
    TokenKind kind() const { return lex_.current().kind; }
    uint32_t line() const { return lex_.current().line; }
    bool is(TokenKind k) const { return kind() == k; }

    void advance() {
        if (kind() == TokenKind::Name) {
            // A qstr's length is stored in one byte in MicroPython.
            if (tok().text.size() > kMaxQstrLength)
                throw CompileError(config_.sourceName, 0, "", "RuntimeError", "name too long", false);
            interned_.insert(tok().text);
        }
        lex_.advance();
    }
    bool accept(TokenKind k) {
        if (!is(k)) return false;
        advance();
        return true;
    }
    void expect(TokenKind k) {
        if (!is(k)) syntaxError();
        advance();
    }
    std::string expectName() {
        if (!is(TokenKind::Name)) syntaxError();
        std::string name = tok().text;
        advance();
        return name;
    }
    [[noreturn]] void syntaxError() {
        std::string type = "SyntaxError";
        std::string message = "invalid syntax";
        switch (kind()) {
        case TokenKind::Indent:
            type = "IndentationError";
            message = "unexpected indent";
            break;
        case TokenKind::DedentMismatch:
            type = "IndentationError";
            message = "unindent doesn't match any outer indent level";
            break;
        case TokenKind::MalformedFString: message = "malformed f-string"; break;
        default: break;
        }
        throw CompileError(config_.sourceName, static_cast<int>(line()), "", type, message);
    }
    [[noreturn]] void errorAt(uint32_t atLine, const std::string& message) {
        throw CompileError(config_.sourceName, static_cast<int>(atLine), "", "SyntaxError", message);
    }

    Node* make(NodeKind k, uint32_t ln) { return tree_.make(k, ln); }
    Node* null() { return tree_.null(); }

    bool startsExpression() const;
    bool atStatementEnd() const { return is(TokenKind::Newline) || is(TokenKind::DelSemicolon); }

    // statements
    Node* parseStatement();
    Node* parseSimpleStatement();
    Node* parseSmallStatement();
    Node* parseExprStatement();
    Node* applyConstAssignment(Node* target, Node* value, uint32_t stmtLine, bool& isPrivate);
    Node* parseSuite();
    Node* parseIf();
    Node* parseWhile();
    Node* parseFor(uint32_t stmtLine);
    Node* parseTry();
    Node* parseWith(uint32_t stmtLine);
    Node* parseFuncDef(uint32_t stmtLine);
    Node* parseClassDef();
    Node* parseDecorated();
    Node* parseAsync();
    Node* parseImportName();
    Node* parseImportFrom();
    Node* parseParams(TokenKind closing, bool allowAnnotations);
    Node* parseDottedName();

    // expressions
    Node* parseTestlistStarExpr(NodeKind tupleKind);
    Node* parseTestlist();
    Node* parseExprlist();
    Node* parseYieldOrTestlistStarExpr();
    Node* parseYieldExpr();
    Node* parseNamedExprTest();
    Node* parseTest();
    Node* parseTestNoCond();
    Node* parseLambda(bool noCond);
    Node* parseOrTest();
    Node* parseAndTest();
    Node* parseNotTest();
    Node* parseComparison();
    Node* parseStarExpr();
    Node* parseExpr();
    Node* parseXorExpr();
    Node* parseAndExpr();
    Node* parseShiftExpr();
    Node* parseArithExpr();
    Node* parseTerm();
    Node* parseFactor();
    Node* parsePower();
    Node* parseAtomExpr();
    Node* parseAtom();
    Node* parseAtomParen();
    Node* parseAtomBracket();
    Node* parseAtomBrace();
    Node* parseTrailer();
    Node* parseArglist(TokenKind closing);
    Node* parseSubscriptList();
    Node* parseSubscript();
    Node* parseCompFor();
    Node* parseCompIter();
    Node* parseNumber();
    Node* parseStringAtom();

    Node* foldChain(NodeKind kind, uint32_t ln, std::vector<Node*> operands, std::vector<int> ops,
                    BinaryOp uniformOp);
    Node* foldLogical(NodeKind kind, uint32_t ln, std::vector<Node*> operands);
    Node* makeTupleOrConst(NodeKind kind, uint32_t ln, std::vector<Node*> items);
    Node* constValueNode(const ConstValue& value, uint32_t ln);

    Lexer lex_;
    const ParserConfig& config_;
    ParseTree& tree_;
    int depth_ = 0;
    std::unordered_set<std::string> interned_;
    std::unordered_map<std::string, ConstValue> consts_;
    std::unordered_map<std::string, Node*> nameLeaves_;
    std::unordered_map<long, Node*> smallIntLeaves_;
};

bool Parser::startsExpression() const {
    switch (kind()) {
    case TokenKind::Name:
    case TokenKind::Integer:
    case TokenKind::FloatOrImag:
    case TokenKind::String:
    case TokenKind::Bytes:
    case TokenKind::Ellipsis:
    case TokenKind::KwNone:
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
    case TokenKind::KwNot:
    case TokenKind::KwLambda:
    case TokenKind::KwAwait:
    case TokenKind::OpMinus:
    case TokenKind::OpPlus:
    case TokenKind::OpTilde:
    case TokenKind::OpStar:
    case TokenKind::DelParenOpen:
    case TokenKind::DelBracketOpen:
    case TokenKind::DelBraceOpen: return true;
    default: return false;
    }
}

// file_input: (NEWLINE | stmt)* ENDMARKER
Node* Parser::parseFileInput() {
    Node* file = make(NodeKind::FileInput, line());
    while (!is(TokenKind::End)) {
        if (accept(TokenKind::Newline)) continue;
        file->kids.push_back(parseStatement());
    }
    return file;
}

// stmt: compound_stmt | simple_stmt
Node* Parser::parseStatement() {
    DepthGuard guard(*this);
    uint32_t ln = line();
    switch (kind()) {
    case TokenKind::KwIf: return parseIf();
    case TokenKind::KwWhile: return parseWhile();
    case TokenKind::KwFor: return parseFor(ln);
    case TokenKind::KwTry: return parseTry();
    case TokenKind::KwWith: return parseWith(ln);
    case TokenKind::KwDef: return parseFuncDef(ln);
    case TokenKind::KwClass: return parseClassDef();
    case TokenKind::OpAt: return parseDecorated();
    case TokenKind::KwAsync: return parseAsync();
    default: return parseSimpleStatement();
    }
}

// simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE
Node* Parser::parseSimpleStatement() {
    uint32_t ln = line();
    std::vector<Node*> stmts{parseSmallStatement()};
    while (accept(TokenKind::DelSemicolon)) {
        if (is(TokenKind::Newline)) break;
        stmts.push_back(parseSmallStatement());
    }
    expect(TokenKind::Newline);
    if (stmts.size() == 1) return stmts[0];
    Node* list = make(NodeKind::SimpleStmtList, ln);
    list->kids = std::move(stmts);
    return list;
}

Node* Parser::parseSmallStatement() {
    uint32_t ln = line();
    switch (kind()) {
    case TokenKind::KwPass: advance(); return make(NodeKind::Pass, ln);
    case TokenKind::KwBreak: advance(); return make(NodeKind::Break, ln);
    case TokenKind::KwContinue: advance(); return make(NodeKind::Continue, ln);
    case TokenKind::KwReturn: {
        // return_stmt: 'return' [testlist_star_expr]
        advance();
        Node* n = make(NodeKind::Return, ln);
        n->kids.push_back(atStatementEnd() ? null() : parseTestlistStarExpr(NodeKind::Testlist));
        return n;
    }
    case TokenKind::KwRaise: {
        // raise_stmt: 'raise' [test ['from' test]]
        advance();
        Node* n = make(NodeKind::Raise, ln);
        Node* exc = atStatementEnd() ? null() : parseTest();
        Node* cause = (!exc->isNull() && accept(TokenKind::KwFrom)) ? parseTest() : null();
        n->kids = {exc, cause};
        return n;
    }
    case TokenKind::KwYield: {
        Node* n = make(NodeKind::YieldStmt, ln);
        n->kids.push_back(parseYieldExpr());
        return n;
    }
    case TokenKind::KwDel: {
        // del_stmt: 'del' exprlist
        advance();
        Node* n = make(NodeKind::Del, ln);
        n->kids.push_back(parseExprlist());
        return n;
    }
    case TokenKind::KwImport: return parseImportName();
    case TokenKind::KwFrom: return parseImportFrom();
    case TokenKind::KwGlobal:
    case TokenKind::KwNonlocal: {
        // global_stmt: 'global' NAME (',' NAME)*
        Node* n = make(is(TokenKind::KwGlobal) ? NodeKind::Global : NodeKind::Nonlocal, ln);
        advance();
        do {
            Node* name = make(NodeKind::Name, line());
            name->text = expectName();
            n->kids.push_back(name);
        } while (accept(TokenKind::DelComma));
        return n;
    }
    case TokenKind::KwAssert: {
        // assert_stmt: 'assert' test [',' test]
        advance();
        Node* n = make(NodeKind::Assert, ln);
        Node* test = parseTest();
        Node* msg = accept(TokenKind::DelComma) ? parseTest() : null();
        n->kids = {test, msg};
        return n;
    }
    default: return parseExprStatement();
    }
}

// expr_stmt: testlist_star_expr (annassign | augassign (yield_expr|testlist) |
//                                ('=' (yield_expr|testlist_star_expr))*)
Node* Parser::parseExprStatement() {
    uint32_t ln = line();
    Node* lhs = parseTestlistStarExpr(NodeKind::TestlistStarExpr);
    static const std::pair<TokenKind, BinaryOp> kAugOps[] = {
        {TokenKind::OpPipeEqual, BinaryOp::InplaceOr},
        {TokenKind::OpCaretEqual, BinaryOp::InplaceXor},
        {TokenKind::OpAmpersandEqual, BinaryOp::InplaceAnd},
        {TokenKind::OpDblLessEqual, BinaryOp::InplaceLshift},
        {TokenKind::OpDblMoreEqual, BinaryOp::InplaceRshift},
        {TokenKind::OpPlusEqual, BinaryOp::InplaceAdd},
        {TokenKind::OpMinusEqual, BinaryOp::InplaceSubtract},
        {TokenKind::OpStarEqual, BinaryOp::InplaceMultiply},
        {TokenKind::OpAtEqual, BinaryOp::InplaceMatMultiply},
        {TokenKind::OpDblSlashEqual, BinaryOp::InplaceFloorDivide},
        {TokenKind::OpSlashEqual, BinaryOp::InplaceTrueDivide},
        {TokenKind::OpPercentEqual, BinaryOp::InplaceModulo},
        {TokenKind::OpDblStarEqual, BinaryOp::InplacePower},
    };
    if (accept(TokenKind::DelColon)) {
        // annassign: ':' test ['=' (yield_expr|testlist_star_expr)]
        Node* annotation = parseTest();
        Node* value = accept(TokenKind::OpAssign) ? parseYieldOrTestlistStarExpr() : null();
        if (!value->isNull()) {
            bool isPrivate = false;
            value = applyConstAssignment(lhs, value, ln, isPrivate);
            if (isPrivate) return make(NodeKind::Pass, 0);
        }
        Node* n = make(NodeKind::AnnAssign, ln);
        n->kids = {lhs, annotation, value};
        return n;
    }
    for (const auto& [tokenKind, op] : kAugOps) {
        if (is(tokenKind)) {
            advance();
            Node* n = make(NodeKind::AugAssign, ln);
            n->intValue = static_cast<int64_t>(op);
            Node* rhs = is(TokenKind::KwYield) ? parseYieldExpr() : parseTestlist();
            n->kids = {lhs, rhs};
            return n;
        }
    }
    if (is(TokenKind::OpAssign)) {
        std::vector<Node*> parts{lhs};
        while (accept(TokenKind::OpAssign)) parts.push_back(parseYieldOrTestlistStarExpr());
        if (parts.size() == 2) {
            bool isPrivate = false;
            parts[1] = applyConstAssignment(parts[0], parts[1], ln, isPrivate);
            if (isPrivate) return make(NodeKind::Pass, 0);
        }
        Node* n = make(NodeKind::Assign, ln);
        n->kids = std::move(parts);
        return n;
    }
    // A lonely constant (docstring, `...`, a folded number) is dropped but keeps its line.
    if (isConstantNode(lhs)) return make(NodeKind::Pass, ln);
    Node* n = make(NodeKind::ExprStmt, ln);
    n->kids.push_back(lhs);
    return n;
}

// NAME = const(value): remember the value for later uses of NAME (mpy-format.md §5.3.2).
Node* Parser::applyConstAssignment(Node* target, Node* value, uint32_t stmtLine, bool& isPrivate) {
    if (!target->isName() || value->kind != NodeKind::AtomExpr || value->kids.size() != 2) return value;
    Node* callee = value->kids[0];
    Node* trailer = value->kids[1];
    if (!callee->isName() || callee->text != "const" || trailer->kind != NodeKind::TrailerParen) return value;
    Node* args = trailer->kids[0];
    Node* arg = nullptr;
    if (args->kind == NodeKind::Arglist && args->kids.size() == 1) arg = args->kids[0];
    if (arg == nullptr || !isConstantNode(arg)) errorAt(value->line, "not a constant");
    consts_[target->text] = nodeToConstValue(arg);
    isPrivate = target->text[0] == '_';
    (void)stmtLine;
    return arg;
}

// suite: simple_stmt | NEWLINE INDENT stmt+ DEDENT
Node* Parser::parseSuite() {
    if (!is(TokenKind::Newline)) return parseSimpleStatement();
    advance();
    if (!is(TokenKind::Indent)) syntaxError();
    advance();
    std::vector<Node*> stmts;
    while (!is(TokenKind::Dedent)) {
        if (is(TokenKind::End)) syntaxError();
        stmts.push_back(parseStatement());
    }
    advance();
    if (stmts.size() == 1) return stmts[0];
    Node* block = make(NodeKind::SuiteBlock, stmts[0]->line);
    block->kids = std::move(stmts);
    return block;
}

// if_stmt: 'if' namedexpr_test ':' suite ('elif' namedexpr_test ':' suite)* ['else' ':' suite]
Node* Parser::parseIf() {
    Node* n = make(NodeKind::If, line());
    advance();
    do {
        n->kids.push_back(parseNamedExprTest());
        expect(TokenKind::DelColon);
        n->kids.push_back(parseSuite());
    } while (accept(TokenKind::KwElif));
    if (accept(TokenKind::KwElse)) {
        expect(TokenKind::DelColon);
        n->kids.push_back(parseSuite());
    } else {
        n->kids.push_back(null());
    }
    return n;
}

// while_stmt: 'while' namedexpr_test ':' suite ['else' ':' suite]
Node* Parser::parseWhile() {
    Node* n = make(NodeKind::While, line());
    advance();
    Node* cond = parseNamedExprTest();
    expect(TokenKind::DelColon);
    Node* body = parseSuite();
    Node* orelse = null();
    if (accept(TokenKind::KwElse)) {
        expect(TokenKind::DelColon);
        orelse = parseSuite();
    }
    n->kids = {cond, body, orelse};
    return n;
}

// for_stmt: 'for' exprlist 'in' testlist ':' suite ['else' ':' suite]
Node* Parser::parseFor(uint32_t stmtLine) {
    Node* n = make(NodeKind::For, stmtLine);
    expect(TokenKind::KwFor);
    Node* target = parseExprlist();
    expect(TokenKind::KwIn);
    Node* iter = parseTestlist();
    expect(TokenKind::DelColon);
    Node* body = parseSuite();
    Node* orelse = null();
    if (accept(TokenKind::KwElse)) {
        expect(TokenKind::DelColon);
        orelse = parseSuite();
    }
    n->kids = {target, iter, body, orelse};
    return n;
}

// try_stmt: 'try' ':' suite ((except_clause ':' suite)+ ['else' ':' suite] ['finally' ':' suite] |
//                            'finally' ':' suite)
Node* Parser::parseTry() {
    Node* n = make(NodeKind::Try, line());
    advance();
    expect(TokenKind::DelColon);
    Node* body = parseSuite();
    std::vector<Node*> handlers;
    while (is(TokenKind::KwExcept)) {
        // except_clause: 'except' [test ['as' NAME]]
        Node* h = make(NodeKind::ExceptHandler, line());
        advance();
        Node* type = null();
        Node* name = null();
        if (!is(TokenKind::DelColon)) {
            type = parseTest();
            if (accept(TokenKind::KwAs)) {
                name = make(NodeKind::Name, line());
                name->text = expectName();
            }
        }
        expect(TokenKind::DelColon);
        h->kids = {type, name, parseSuite()};
        handlers.push_back(h);
    }
    Node* orelse = null();
    Node* finally = null();
    if (!handlers.empty() && accept(TokenKind::KwElse)) {
        expect(TokenKind::DelColon);
        orelse = parseSuite();
    }
    if (accept(TokenKind::KwFinally)) {
        expect(TokenKind::DelColon);
        finally = parseSuite();
    } else if (handlers.empty()) {
        syntaxError();
    }
    n->kids = {body, orelse, finally};
    n->kids.insert(n->kids.end(), handlers.begin(), handlers.end());
    return n;
}

// with_stmt: 'with' with_item (',' with_item)* ':' suite;  with_item: test ['as' expr]
Node* Parser::parseWith(uint32_t stmtLine) {
    Node* n = make(NodeKind::With, stmtLine);
    expect(TokenKind::KwWith);
    do {
        Node* item = make(NodeKind::WithItem, line());
        Node* expr = parseTest();
        Node* target = accept(TokenKind::KwAs) ? parseExpr() : null();
        item->kids = {expr, target};
        n->kids.push_back(item);
    } while (accept(TokenKind::DelComma));
    expect(TokenKind::DelColon);
    n->kids.push_back(parseSuite());
    return n;
}

// funcdef: 'def' NAME parameters ['->' test] ':' suite
Node* Parser::parseFuncDef(uint32_t stmtLine) {
    Node* n = make(NodeKind::FuncDef, stmtLine);
    expect(TokenKind::KwDef);
    n->text = expectName();
    if (!is(TokenKind::DelParenOpen)) syntaxError();
    advance();
    Node* params = parseParams(TokenKind::DelParenClose, true);
    expect(TokenKind::DelParenClose);
    Node* annotation = accept(TokenKind::DelMinusMore) ? parseTest() : null();
    expect(TokenKind::DelColon);
    n->kids = {params, parseSuite(), annotation};
    return n;
}

// typedargslist / varargslist: (NAME [':' test] ['=' test] | '*' [NAME] | '**' NAME) (',' ...)* [',']
Node* Parser::parseParams(TokenKind closing, bool allowAnnotations) {
    Node* params = make(NodeKind::Params, line());
    while (!is(closing)) {
        Node* p = make(NodeKind::Param, line());
        Node* def = null();
        Node* annotation = null();
        if (accept(TokenKind::OpStar)) {
            p->intValue = 1;
            if (is(TokenKind::Name)) {
                p->text = expectName();
                if (allowAnnotations && accept(TokenKind::DelColon)) annotation = parseTest();
            }
        } else if (accept(TokenKind::OpDblStar)) {
            p->intValue = 2;
            p->text = expectName();
            if (allowAnnotations && accept(TokenKind::DelColon)) annotation = parseTest();
        } else {
            p->text = expectName();
            if (allowAnnotations && accept(TokenKind::DelColon)) annotation = parseTest();
            if (accept(TokenKind::OpAssign)) def = parseTest();
        }
        p->kids = {def, annotation};
        params->kids.push_back(p);
        if (!accept(TokenKind::DelComma)) break;
    }
    return params;
}

// classdef: 'class' NAME ['(' [arglist] ')'] ':' suite
Node* Parser::parseClassDef() {
    Node* n = make(NodeKind::ClassDef, line());
    advance();
    n->text = expectName();
    Node* args = null();
    if (accept(TokenKind::DelParenOpen)) {
        if (!is(TokenKind::DelParenClose)) args = parseArglist(TokenKind::DelParenClose);
        expect(TokenKind::DelParenClose);
    }
    expect(TokenKind::DelColon);
    n->kids = {args, parseSuite()};
    return n;
}

// decorated: decorator+ (classdef | funcdef | async_funcdef)
// decorator: '@' dotted_name ['(' [arglist] ')'] NEWLINE
Node* Parser::parseDecorated() {
    Node* n = make(NodeKind::Decorated, line());
    while (is(TokenKind::OpAt)) {
        Node* d = make(NodeKind::Decorator, line());
        advance();
        do {
            Node* name = make(NodeKind::Name, line());
            name->text = expectName();
            d->kids.push_back(name);
        } while (accept(TokenKind::DelPeriod));
        if (is(TokenKind::DelParenOpen)) {
            Node* trailer = make(NodeKind::TrailerParen, line());
            advance();
            trailer->kids.push_back(is(TokenKind::DelParenClose) ? null()
                                                                 : parseArglist(TokenKind::DelParenClose));
            expect(TokenKind::DelParenClose);
            d->kids.push_back(trailer);
        } else {
            d->kids.push_back(null());
        }
        expect(TokenKind::Newline);
        n->kids.push_back(d);
    }
    if (is(TokenKind::KwDef)) {
        n->kids.push_back(parseFuncDef(line()));
    } else if (is(TokenKind::KwClass)) {
        n->kids.push_back(parseClassDef());
    } else if (is(TokenKind::KwAsync)) {
        Node* a = make(NodeKind::AsyncFuncDef, line());
        advance();
        if (!is(TokenKind::KwDef)) syntaxError();
        a->kids.push_back(parseFuncDef(line()));
        n->kids.push_back(a);
    } else {
        syntaxError();
    }
    return n;
}

// async_stmt: 'async' (funcdef | with_stmt | for_stmt)
Node* Parser::parseAsync() {
    uint32_t ln = line();
    advance();
    Node* n;
    if (is(TokenKind::KwDef)) {
        n = make(NodeKind::AsyncFuncDef, ln);
        n->kids.push_back(parseFuncDef(line()));
    } else if (is(TokenKind::KwWith)) {
        n = make(NodeKind::AsyncWith, ln);
        n->kids.push_back(parseWith(line()));
    } else if (is(TokenKind::KwFor)) {
        n = make(NodeKind::AsyncFor, ln);
        n->kids.push_back(parseFor(line()));
    } else {
        syntaxError();
    }
    return n;
}

Node* Parser::parseDottedName() {
    Node* d = make(NodeKind::DottedName, line());
    do {
        Node* name = make(NodeKind::Name, line());
        name->text = expectName();
        d->kids.push_back(name);
    } while (accept(TokenKind::DelPeriod));
    return d;
}

// import_name: 'import' dotted_as_names
Node* Parser::parseImportName() {
    Node* n = make(NodeKind::ImportName, line());
    advance();
    do {
        Node* item = make(NodeKind::DottedAsName, line());
        Node* dotted = parseDottedName();
        Node* as = null();
        if (accept(TokenKind::KwAs)) {
            as = make(NodeKind::Name, line());
            as->text = expectName();
        }
        item->kids = {dotted, as};
        n->kids.push_back(item);
    } while (accept(TokenKind::DelComma));
    return n;
}

// import_from: 'from' (('.' | '...')* dotted_name | ('.' | '...')+)
//              'import' ('*' | '(' import_as_names ')' | import_as_names)
Node* Parser::parseImportFrom() {
    Node* n = make(NodeKind::ImportFrom, line());
    advance();
    int level = 0;
    for (;;) {
        if (accept(TokenKind::DelPeriod)) {
            level += 1;
        } else if (accept(TokenKind::Ellipsis)) {
            level += 3;
        } else {
            break;
        }
    }
    n->intValue = level;
    Node* module = null();
    if (is(TokenKind::Name)) {
        module = parseDottedName();
    } else if (level == 0) {
        syntaxError();
    }
    expect(TokenKind::KwImport);
    n->kids.push_back(module);
    if (accept(TokenKind::OpStar)) {
        n->kids.push_back(null()); // marks 'import *'
        return n;
    }
    bool paren = accept(TokenKind::DelParenOpen);
    do {
        if (paren && is(TokenKind::DelParenClose)) break;
        Node* item = make(NodeKind::ImportAsName, line());
        Node* name = make(NodeKind::Name, line());
        name->text = expectName();
        Node* as = null();
        if (accept(TokenKind::KwAs)) {
            as = make(NodeKind::Name, line());
            as->text = expectName();
        }
        item->kids = {name, as};
        n->kids.push_back(item);
    } while (accept(TokenKind::DelComma));
    if (paren) expect(TokenKind::DelParenClose);
    return n;
}

// ---------------------------------------------------------------------------------------------------
// expressions

Node* Parser::makeTupleOrConst(NodeKind kind, uint32_t ln, std::vector<Node*> items) {
    bool allConst = !items.empty();
    for (Node* item : items) allConst = allConst && isConstantNode(item);
    if (allConst) {
        ConstValue tuple;
        tuple.kind = ConstValue::Kind::Tuple;
        for (Node* item : items) tuple.items.push_back(nodeToConstValue(item));
        Node* n = make(NodeKind::ConstObject, ln);
        n->constant = tree_.keep(std::move(tuple));
        return n;
    }
    Node* n = make(kind, ln);
    n->kids = std::move(items);
    return n;
}

// testlist_star_expr: (test|star_expr) (',' (test|star_expr))* [',']
Node* Parser::parseTestlistStarExpr(NodeKind tupleKind) {
    uint32_t ln = line();
    Node* first = is(TokenKind::OpStar) ? parseStarExpr() : parseTest();
    if (!is(TokenKind::DelComma)) return first;
    std::vector<Node*> items{first};
    while (accept(TokenKind::DelComma)) {
        if (!startsExpression()) break;
        items.push_back(is(TokenKind::OpStar) ? parseStarExpr() : parseTest());
    }
    return makeTupleOrConst(tupleKind, ln, std::move(items));
}

// testlist: test (',' test)* [',']
Node* Parser::parseTestlist() {
    return parseTestlistStarExpr(NodeKind::Testlist);
}

// exprlist: (expr|star_expr) (',' (expr|star_expr))* [',']
Node* Parser::parseExprlist() {
    uint32_t ln = line();
    Node* first = is(TokenKind::OpStar) ? parseStarExpr() : parseExpr();
    if (!is(TokenKind::DelComma)) return first;
    std::vector<Node*> items{first};
    while (accept(TokenKind::DelComma)) {
        if (!startsExpression()) break;
        items.push_back(is(TokenKind::OpStar) ? parseStarExpr() : parseExpr());
    }
    return makeTupleOrConst(NodeKind::Exprlist, ln, std::move(items));
}

Node* Parser::parseYieldOrTestlistStarExpr() {
    if (is(TokenKind::KwYield)) return parseYieldExpr();
    return parseTestlistStarExpr(NodeKind::TestlistStarExpr);
}

// yield_expr: 'yield' ['from' test | testlist_star_expr]
Node* Parser::parseYieldExpr() {
    uint32_t ln = line();
    expect(TokenKind::KwYield);
    if (accept(TokenKind::KwFrom)) {
        Node* n = make(NodeKind::YieldFrom, ln);
        n->kids.push_back(parseTest());
        return n;
    }
    Node* n = make(NodeKind::YieldExpr, ln);
    n->kids.push_back(startsExpression() ? parseTestlistStarExpr(NodeKind::Testlist) : null());
    return n;
}

// namedexpr_test: test [':=' test]
Node* Parser::parseNamedExprTest() {
    uint32_t ln = line();
    Node* target = parseTest();
    if (!accept(TokenKind::OpAssignExpr)) return target;
    Node* n = make(NodeKind::NamedExpr, ln);
    n->kids = {target, parseTest()};
    return n;
}

// test: or_test ['if' or_test 'else' test] | lambdef
Node* Parser::parseTest() {
    DepthGuard guard(*this);
    if (is(TokenKind::KwLambda)) return parseLambda(false);
    uint32_t ln = line();
    Node* body = parseOrTest();
    if (!accept(TokenKind::KwIf)) return body;
    Node* cond = parseOrTest();
    expect(TokenKind::KwElse);
    Node* orelse = parseTest();
    Node* n = make(NodeKind::TestIfExpr, ln);
    n->kids = {body, cond, orelse};
    return n;
}

// test_nocond: or_test | lambdef_nocond
Node* Parser::parseTestNoCond() {
    DepthGuard guard(*this);
    if (is(TokenKind::KwLambda)) return parseLambda(true);
    return parseOrTest();
}

// lambdef: 'lambda' [varargslist] ':' test
Node* Parser::parseLambda(bool noCond) {
    Node* n = make(NodeKind::Lambda, line());
    advance();
    Node* params = parseParams(TokenKind::DelColon, false);
    expect(TokenKind::DelColon);
    n->kids = {params, noCond ? parseTestNoCond() : parseTest()};
    return n;
}

// Logical folding of a constant operand chain (mpy-format.md §5.3.4).
Node* Parser::foldLogical(NodeKind kind, uint32_t ln, std::vector<Node*> operands) {
    bool isOr = kind == NodeKind::OrTest;
    std::vector<Node*> kept;
    for (size_t i = 0; i < operands.size(); ++i) {
        Node* op = operands[i];
        bool last = i + 1 == operands.size();
        if (isConstantNode(op) && !last) {
            bool truth = constantTruth(op);
            if (truth != isOr) continue; // cannot affect the result
            kept.push_back(op);          // decides the result
            break;
        }
        kept.push_back(op);
    }
    if (kept.size() == 1) return kept[0];
    Node* n = make(kind, ln);
    n->kids = std::move(kept);
    return n;
}

// or_test: and_test ('or' and_test)*
Node* Parser::parseOrTest() {
    uint32_t ln = line();
    Node* first = parseAndTest();
    if (!is(TokenKind::KwOr)) return first;
    std::vector<Node*> operands{first};
    while (accept(TokenKind::KwOr)) operands.push_back(parseAndTest());
    return foldLogical(NodeKind::OrTest, ln, std::move(operands));
}

// and_test: not_test ('and' not_test)*
Node* Parser::parseAndTest() {
    uint32_t ln = line();
    Node* first = parseNotTest();
    if (!is(TokenKind::KwAnd)) return first;
    std::vector<Node*> operands{first};
    while (accept(TokenKind::KwAnd)) operands.push_back(parseNotTest());
    return foldLogical(NodeKind::AndTest, ln, std::move(operands));
}

// not_test: 'not' not_test | comparison
Node* Parser::parseNotTest() {
    if (!is(TokenKind::KwNot)) return parseComparison();
    DepthGuard guard(*this);
    uint32_t ln = line();
    advance();
    Node* operand = parseNotTest();
    if (isConstantNode(operand)) {
        Node* n = make(NodeKind::Token, 0);
        n->intValue = static_cast<int64_t>(constantTruth(operand) ? TokenKind::KwFalse : TokenKind::KwTrue);
        return n;
    }
    Node* n = make(NodeKind::NotTest, ln);
    n->kids.push_back(operand);
    return n;
}

// comparison: expr (comp_op expr)*
Node* Parser::parseComparison() {
    uint32_t ln = line();
    Node* first = parseExpr();
    switch (kind()) {
    case TokenKind::OpLess:
    case TokenKind::OpMore:
    case TokenKind::OpDblEqual:
    case TokenKind::OpLessEqual:
    case TokenKind::OpMoreEqual:
    case TokenKind::OpNotEqual:
    case TokenKind::KwIn:
    case TokenKind::KwIs:
    case TokenKind::KwNot: break;
    default: return first;
    }
    std::vector<Node*> operands{first};
    std::vector<int> ops;
    for (;;) {
        int op;
        switch (kind()) {
        case TokenKind::OpLess: op = static_cast<int>(BinaryOp::Less); break;
        case TokenKind::OpMore: op = static_cast<int>(BinaryOp::More); break;
        case TokenKind::OpDblEqual: op = static_cast<int>(BinaryOp::Equal); break;
        case TokenKind::OpLessEqual: op = static_cast<int>(BinaryOp::LessEqual); break;
        case TokenKind::OpMoreEqual: op = static_cast<int>(BinaryOp::MoreEqual); break;
        case TokenKind::OpNotEqual: op = static_cast<int>(BinaryOp::NotEqual); break;
        case TokenKind::KwIn: op = static_cast<int>(BinaryOp::In); break;
        case TokenKind::KwIs: op = static_cast<int>(BinaryOp::Is); break;
        case TokenKind::KwNot: op = kCompareNotIn; break;
        default: op = -1; break;
        }
        if (op < 0) break;
        advance();
        if (op == kCompareNotIn) {
            expect(TokenKind::KwIn);
        } else if (op == static_cast<int>(BinaryOp::Is) && accept(TokenKind::KwNot)) {
            op = kCompareIsNot;
        }
        ops.push_back(op);
        operands.push_back(parseExpr());
    }
    if (operands.size() == 1) return first;
    Node* n = make(NodeKind::Comparison, ln);
    n->kids = std::move(operands);
    n->ops = std::move(ops);
    return n;
}

// star_expr: '*' expr
Node* Parser::parseStarExpr() {
    Node* n = make(NodeKind::StarExpr, line());
    expect(TokenKind::OpStar);
    n->kids.push_back(parseExpr());
    return n;
}

// Folds an operator chain if every operand is a number; otherwise builds the node.
Node* Parser::foldChain(NodeKind kind, uint32_t ln, std::vector<Node*> operands, std::vector<int> ops,
                        BinaryOp uniformOp) {
    std::optional<ConstValue> acc = numericValue(operands[0]);
    for (size_t i = 1; acc && i < operands.size(); ++i) {
        std::optional<ConstValue> rhs = numericValue(operands[i]);
        BinaryOp op = ops.empty() ? uniformOp : static_cast<BinaryOp>(ops[i - 1]);
        ConstValue result;
        if (!rhs || !foldBinaryOp(op, *acc, *rhs, result)) {
            acc.reset();
            break;
        }
        acc = std::move(result);
    }
    if (acc) return makeNumberNode(tree_, std::move(*acc), 0, config_.smallIntBits);
    Node* n = make(kind, ln);
    n->kids = std::move(operands);
    n->ops = std::move(ops);
    return n;
}

// expr: xor_expr ('|' xor_expr)*
Node* Parser::parseExpr() {
    uint32_t ln = line();
    Node* first = parseXorExpr();
    if (!is(TokenKind::OpPipe)) return first;
    std::vector<Node*> operands{first};
    while (accept(TokenKind::OpPipe)) operands.push_back(parseXorExpr());
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::ExprOr, ln, std::move(operands), {}, BinaryOp::Or);
}

// xor_expr: and_expr ('^' and_expr)*
Node* Parser::parseXorExpr() {
    uint32_t ln = line();
    Node* first = parseAndExpr();
    if (!is(TokenKind::OpCaret)) return first;
    std::vector<Node*> operands{first};
    while (accept(TokenKind::OpCaret)) operands.push_back(parseAndExpr());
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::XorExpr, ln, std::move(operands), {}, BinaryOp::Xor);
}

// and_expr: shift_expr ('&' shift_expr)*
Node* Parser::parseAndExpr() {
    uint32_t ln = line();
    Node* first = parseShiftExpr();
    if (!is(TokenKind::OpAmpersand)) return first;
    std::vector<Node*> operands{first};
    while (accept(TokenKind::OpAmpersand)) operands.push_back(parseShiftExpr());
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::AndExpr, ln, std::move(operands), {}, BinaryOp::And);
}

// shift_expr: arith_expr (('<<'|'>>') arith_expr)*
Node* Parser::parseShiftExpr() {
    uint32_t ln = line();
    Node* first = parseArithExpr();
    if (!is(TokenKind::OpDblLess) && !is(TokenKind::OpDblMore)) return first;
    std::vector<Node*> operands{first};
    std::vector<int> ops;
    for (;;) {
        if (is(TokenKind::OpDblLess)) {
            ops.push_back(static_cast<int>(BinaryOp::Lshift));
        } else if (is(TokenKind::OpDblMore)) {
            ops.push_back(static_cast<int>(BinaryOp::Rshift));
        } else {
            break;
        }
        advance();
        operands.push_back(parseArithExpr());
    }
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::ShiftExpr, ln, std::move(operands), std::move(ops), BinaryOp::Lshift);
}

// arith_expr: term (('+'|'-') term)*
Node* Parser::parseArithExpr() {
    uint32_t ln = line();
    Node* first = parseTerm();
    if (!is(TokenKind::OpPlus) && !is(TokenKind::OpMinus)) return first;
    std::vector<Node*> operands{first};
    std::vector<int> ops;
    for (;;) {
        if (is(TokenKind::OpPlus)) {
            ops.push_back(static_cast<int>(BinaryOp::Add));
        } else if (is(TokenKind::OpMinus)) {
            ops.push_back(static_cast<int>(BinaryOp::Subtract));
        } else {
            break;
        }
        advance();
        operands.push_back(parseTerm());
    }
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::ArithExpr, ln, std::move(operands), std::move(ops), BinaryOp::Add);
}

// term: factor (('*'|'@'|'/'|'%'|'//') factor)*
Node* Parser::parseTerm() {
    uint32_t ln = line();
    Node* first = parseFactor();
    if (!is(TokenKind::OpStar) && !is(TokenKind::OpAt) && !is(TokenKind::OpSlash) &&
        !is(TokenKind::OpPercent) && !is(TokenKind::OpDblSlash))
        return first;
    std::vector<Node*> operands{first};
    std::vector<int> ops;
    for (;;) {
        BinaryOp op;
        switch (kind()) {
        case TokenKind::OpStar: op = BinaryOp::Multiply; break;
        case TokenKind::OpAt: op = BinaryOp::MatMultiply; break;
        case TokenKind::OpSlash: op = BinaryOp::TrueDivide; break;
        case TokenKind::OpPercent: op = BinaryOp::Modulo; break;
        case TokenKind::OpDblSlash: op = BinaryOp::FloorDivide; break;
        default: op = BinaryOp::Less; break;
        }
        if (op == BinaryOp::Less) break;
        ops.push_back(static_cast<int>(op));
        advance();
        operands.push_back(parseFactor());
    }
    if (operands.size() == 1) return operands[0];
    return foldChain(NodeKind::Term, ln, std::move(operands), std::move(ops), BinaryOp::Multiply);
}

// factor: ('+'|'-'|'~') factor | power
Node* Parser::parseFactor() {
    UnaryOp op;
    switch (kind()) {
    case TokenKind::OpPlus: op = UnaryOp::Positive; break;
    case TokenKind::OpMinus: op = UnaryOp::Negative; break;
    case TokenKind::OpTilde: op = UnaryOp::Invert; break;
    default: return parsePower();
    }
    DepthGuard guard(*this);
    uint32_t ln = line();
    advance();
    Node* operand = parseFactor();
    if (auto value = numericValue(operand)) {
        ConstValue result;
        if (foldUnaryOp(op, *value, result))
            return makeNumberNode(tree_, std::move(result), 0, config_.smallIntBits);
    }
    Node* n = make(NodeKind::Factor, ln);
    n->intValue = static_cast<int64_t>(op);
    n->kids.push_back(operand);
    return n;
}

// power: atom_expr ['**' factor]
Node* Parser::parsePower() {
    uint32_t ln = line();
    Node* base = parseAtomExpr();
    if (!accept(TokenKind::OpDblStar)) return base;
    Node* exponent = parseFactor();
    return foldChain(NodeKind::Power, ln, {base, exponent}, {}, BinaryOp::Power);
}

// atom_expr: 'await' atom trailer* | atom trailer*
Node* Parser::parseAtomExpr() {
    uint32_t ln = line();
    bool isAwait = accept(TokenKind::KwAwait);
    Node* atom = parseAtom();
    std::vector<Node*> trailers;
    while (is(TokenKind::DelParenOpen) || is(TokenKind::DelBracketOpen) || is(TokenKind::DelPeriod))
        trailers.push_back(parseTrailer());
    if (isAwait) {
        Node* n = make(NodeKind::AtomAwait, ln);
        n->kids.push_back(atom);
        n->kids.insert(n->kids.end(), trailers.begin(), trailers.end());
        return n;
    }
    if (trailers.empty()) return atom;
    // math.e/pi/tau/inf/nan are folded by name (mpy-format.md §5.3.3).
    if (trailers.size() == 1 && atom->isName() && atom->text == "math" &&
        trailers[0]->kind == NodeKind::TrailerPeriod) {
        const std::string& attr = trailers[0]->text;
        double value = 0;
        bool known = true;
        if (attr == "e") {
            value = 2.718281828459045;
        } else if (attr == "pi") {
            value = 3.141592653589793;
        } else if (attr == "tau") {
            value = 6.283185307179586;
        } else if (attr == "inf") {
            value = INFINITY;
        } else if (attr == "nan") {
            value = NAN;
        } else {
            known = false;
        }
        if (known) {
            ConstValue c;
            c.kind = ConstValue::Kind::Float;
            c.floatValue = value;
            return makeNumberNode(tree_, std::move(c), 0, config_.smallIntBits);
        }
    }
    Node* n = make(NodeKind::AtomExpr, ln);
    n->kids.push_back(atom);
    n->kids.insert(n->kids.end(), trailers.begin(), trailers.end());
    return n;
}

// trailer: '(' [arglist] ')' | '[' subscriptlist ']' | '.' NAME
Node* Parser::parseTrailer() {
    uint32_t ln = line();
    if (accept(TokenKind::DelParenOpen)) {
        Node* n = make(NodeKind::TrailerParen, ln);
        n->kids.push_back(is(TokenKind::DelParenClose) ? null() : parseArglist(TokenKind::DelParenClose));
        expect(TokenKind::DelParenClose);
        return n;
    }
    if (accept(TokenKind::DelBracketOpen)) {
        Node* n = make(NodeKind::TrailerBracket, ln);
        n->kids.push_back(parseSubscriptList());
        expect(TokenKind::DelBracketClose);
        return n;
    }
    expect(TokenKind::DelPeriod);
    Node* n = make(NodeKind::TrailerPeriod, ln);
    n->text = expectName();
    return n;
}

// arglist: argument (',' argument)* [',']
// argument: test [comp_for] | test ':=' test | test '=' test | '**' test | '*' test
Node* Parser::parseArglist(TokenKind closing) {
    Node* list = make(NodeKind::Arglist, line());
    while (!is(closing)) {
        uint32_t ln = line();
        if (accept(TokenKind::OpStar)) {
            Node* a = make(NodeKind::ArglistStar, ln);
            a->kids.push_back(parseTest());
            list->kids.push_back(a);
        } else if (accept(TokenKind::OpDblStar)) {
            Node* a = make(NodeKind::ArglistDblStar, ln);
            a->kids.push_back(parseTest());
            list->kids.push_back(a);
        } else {
            Node* value = parseTest();
            if (is(TokenKind::KwFor) || is(TokenKind::KwAsync)) {
                Node* comp = make(NodeKind::Comprehension, ln);
                comp->kids = {value, parseCompFor()};
                list->kids.push_back(comp);
            } else if (accept(TokenKind::OpAssignExpr)) {
                Node* a = make(NodeKind::NamedExpr, ln);
                a->kids = {value, parseTest()};
                a->intValue = 1; // an argument: not dispatched on its own
                list->kids.push_back(a);
            } else if (accept(TokenKind::OpAssign)) {
                Node* a = make(NodeKind::Argument, ln);
                a->kids = {value, parseTest()};
                list->kids.push_back(a);
            } else {
                list->kids.push_back(value);
            }
        }
        if (!accept(TokenKind::DelComma)) break;
    }
    return list;
}

// subscriptlist: subscript (',' subscript)* [',']
Node* Parser::parseSubscriptList() {
    uint32_t ln = line();
    Node* first = parseSubscript();
    if (!is(TokenKind::DelComma)) return first;
    std::vector<Node*> items{first};
    while (accept(TokenKind::DelComma)) {
        if (is(TokenKind::DelBracketClose)) break;
        items.push_back(parseSubscript());
    }
    return makeTupleOrConst(NodeKind::Subscriptlist, ln, std::move(items));
}

// subscript: test | [test] ':' [test] [':' [test]]
Node* Parser::parseSubscript() {
    uint32_t ln = line();
    Node* start = null();
    if (!is(TokenKind::DelColon)) {
        start = parseTest();
        if (!is(TokenKind::DelColon)) return start;
    }
    Node* n = make(start->isNull() ? NodeKind::Subscript3 : NodeKind::Subscript2, ln);
    expect(TokenKind::DelColon);
    Node* stop = startsExpression() ? parseTest() : null();
    Node* step = null();
    if (accept(TokenKind::DelColon) && startsExpression()) step = parseTest();
    n->kids = {start, stop, step};
    return n;
}

// comp_for: ['async'] 'for' exprlist 'in' or_test [comp_iter]
Node* Parser::parseCompFor() {
    Node* n = make(NodeKind::CompFor, line());
    if (accept(TokenKind::KwAsync)) n->intValue = 1;
    expect(TokenKind::KwFor);
    Node* target = parseExprlist();
    expect(TokenKind::KwIn);
    Node* iter = parseOrTest();
    n->kids = {target, iter, parseCompIter()};
    return n;
}

// comp_iter: comp_for | comp_if;  comp_if: 'if' test_nocond [comp_iter]
Node* Parser::parseCompIter() {
    if (is(TokenKind::KwFor) || is(TokenKind::KwAsync)) return parseCompFor();
    if (!is(TokenKind::KwIf)) return null();
    Node* n = make(NodeKind::CompIf, line());
    advance();
    Node* cond = parseTestNoCond();
    n->kids = {cond, parseCompIter()};
    return n;
}

// atom: NAME | NUMBER | STRING+ | '...' | 'None' | 'True' | 'False' | '(' ... ')' | '[' ... ']' | '{' ... '}'
Node* Parser::parseAtom() {
    uint32_t ln = line();
    switch (kind()) {
    case TokenKind::Name: {
        auto it = consts_.find(tok().text);
        if (it != consts_.end()) {
            advance();
            return constValueNode(it->second, ln);
        }
        // Leaves carry no line of their own, so one node per distinct name serves every use.
        Node*& n = nameLeaves_[tok().text];
        if (n == nullptr) {
            n = make(NodeKind::Name, ln);
            n->text = tok().text;
        }
        advance();
        return n;
    }
    case TokenKind::Integer:
    case TokenKind::FloatOrImag: return parseNumber();
    case TokenKind::String:
    case TokenKind::Bytes: return parseStringAtom();
    case TokenKind::KwNone:
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
    case TokenKind::Ellipsis: {
        Node* n = make(NodeKind::Token, ln);
        n->intValue = static_cast<int64_t>(kind());
        advance();
        return n;
    }
    case TokenKind::DelParenOpen: return parseAtomParen();
    case TokenKind::DelBracketOpen: return parseAtomBracket();
    case TokenKind::DelBraceOpen: return parseAtomBrace();
    default: syntaxError();
    }
}

Node* Parser::constValueNode(const ConstValue& value, uint32_t ln) {
    switch (value.kind) {
    case ConstValue::Kind::Int: return makeNumberNode(tree_, value, ln, config_.smallIntBits);
    case ConstValue::Kind::None:
    case ConstValue::Kind::True:
    case ConstValue::Kind::False:
    case ConstValue::Kind::Ellipsis: {
        Node* n = make(NodeKind::Token, ln);
        n->intValue = static_cast<int64_t>(value.kind == ConstValue::Kind::None    ? TokenKind::KwNone
                                           : value.kind == ConstValue::Kind::True  ? TokenKind::KwTrue
                                           : value.kind == ConstValue::Kind::False ? TokenKind::KwFalse
                                                                                   : TokenKind::Ellipsis);
        return n;
    }
    case ConstValue::Kind::Str:
        if (value.bytes.size() <= 10 || interned_.count(value.bytes) || mpy::isBuiltinQstr(value.bytes)) {
            Node* n = make(NodeKind::String, ln);
            n->text = value.bytes;
            return n;
        }
        [[fallthrough]];
    default: {
        Node* n = make(NodeKind::ConstObject, ln);
        n->constant = tree_.keep(value);
        return n;
    }
    }
}

Node* Parser::parseNumber() {
    uint32_t ln = line();
    std::string text = tok().text;
    bool isFloat = is(TokenKind::FloatOrImag);
    advance();
    if (!isFloat) {
        int base = 10;
        size_t start = 0;
        if (text.size() >= 2 && text[0] == '0') {
            char p = static_cast<char>(text[1] | 0x20);
            if (p == 'x') base = 16;
            if (p == 'o') base = 8;
            if (p == 'b') base = 2;
            if (base != 10) start = 2;
        }
        std::string digits = text.substr(start);
        bool ok = !digits.empty();
        for (char c : digits) {
            int v = (c >= '0' && c <= '9')                     ? c - '0'
                    : ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? (c | 0x20) - 'a' + 10
                                                               : 99;
            if (v >= base) ok = false;
        }
        // Python forbids leading zeros in a non-zero decimal literal ("007").
        if (ok && base == 10 && digits.size() > 1 && digits[0] == '0' &&
            digits.find_first_not_of('0') != std::string::npos)
            ok = false;
        if (!ok) {
            // A decimal literal with a leading zero is reported against base 0, as MicroPython does.
            int reportedBase = (base == 10 && digits.size() > 1 && digits[0] == '0') ? 0 : base;
            errorAt(ln, "invalid syntax for integer with base " + std::to_string(reportedBase) + ": '" +
                            text + "'");
        }
        ConstValue v;
        v.kind = ConstValue::Kind::Int;
        v.intValue.set_str(digits, base);
        if (fitsSmallInt(v.intValue, config_.smallIntBits)) {
            Node*& leaf = smallIntLeaves_[v.intValue.get_si()];
            if (leaf == nullptr) leaf = makeNumberNode(tree_, std::move(v), ln, config_.smallIntBits);
            return leaf;
        }
        return makeNumberNode(tree_, std::move(v), ln, config_.smallIntBits);
    }
    // decimal float or imaginary: digits [. digits] [e [+-] digits] [j]
    bool imag = !text.empty() && (text.back() == 'j' || text.back() == 'J');
    std::string body = imag ? text.substr(0, text.size() - 1) : text;
    size_t i = 0, mantDigits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++mantDigits;
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++mantDigits;
    }
    bool ok = mantDigits > 0;
    if (ok && i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
        size_t expDigits = 0;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++expDigits;
        ok = expDigits > 0;
    }
    if (!ok || i != body.size()) errorAt(ln, "invalid syntax for number");
    ConstValue v;
    v.kind = imag ? ConstValue::Kind::Complex : ConstValue::Kind::Float;
    v.floatValue = common::parseMicroPythonFloat(body);
    Node* n = make(NodeKind::ConstObject, ln);
    n->constant = tree_.keep(std::move(v));
    return n;
}

Node* Parser::parseStringAtom() {
    uint32_t ln = line();
    if (is(TokenKind::Bytes)) {
        ConstValue v;
        v.kind = ConstValue::Kind::Bytes;
        v.bytes = tok().text;
        advance();
        Node* n = make(NodeKind::ConstObject, ln);
        n->constant = tree_.keep(std::move(v));
        return n;
    }
    std::string text = tok().text;
    advance();
    // Short strings are always interned; longer ones only if the qstr already exists (§5.3.6).
    if (text.size() <= 10 || interned_.count(text) || mpy::isBuiltinQstr(text)) {
        interned_.insert(text);
        Node* n = make(NodeKind::String, ln);
        n->text = std::move(text);
        return n;
    }
    ConstValue v;
    v.kind = ConstValue::Kind::Str;
    v.bytes = std::move(text);
    Node* n = make(NodeKind::ConstObject, ln);
    n->constant = tree_.keep(std::move(v));
    return n;
}

// atom_paren: '(' [yield_expr | testlist_comp] ')'
// testlist_comp: (namedexpr_test|star_expr) (comp_for | (',' (namedexpr_test|star_expr))* [','])
Node* Parser::parseAtomParen() {
    uint32_t ln = line();
    advance();
    if (accept(TokenKind::DelParenClose)) return make(NodeKind::AtomParen, ln);
    if (is(TokenKind::KwYield)) {
        Node* y = parseYieldExpr();
        expect(TokenKind::DelParenClose);
        return y;
    }
    uint32_t innerLine = line();
    Node* first = is(TokenKind::OpStar) ? parseStarExpr() : parseNamedExprTest();
    if (is(TokenKind::KwFor) || is(TokenKind::KwAsync)) {
        Node* comp = make(NodeKind::Comprehension, innerLine);
        comp->kids = {first, parseCompFor()};
        expect(TokenKind::DelParenClose);
        Node* n = make(NodeKind::AtomParen, ln);
        n->kids.push_back(comp);
        return n;
    }
    if (!is(TokenKind::DelComma)) {
        expect(TokenKind::DelParenClose);
        return first; // parentheses around one expression make no node
    }
    std::vector<Node*> items{first};
    uint32_t secondLine = 0;
    bool trailingComma = false;
    while (accept(TokenKind::DelComma)) {
        if (is(TokenKind::DelParenClose)) {
            trailingComma = true;
            break;
        }
        if (items.size() == 1) secondLine = line();
        items.push_back(is(TokenKind::OpStar) ? parseStarExpr() : parseNamedExprTest());
    }
    expect(TokenKind::DelParenClose);
    bool allConst = true;
    for (Node* item : items) allConst = allConst && isConstantNode(item);
    if (allConst) {
        // MicroPython builds the constant from its inner item-list rule, which starts at the second item
        // when it holds more than one token group; otherwise the tuple starts at the first item.
        uint32_t tupleLine =
            (items.size() >= 3 || (items.size() == 2 && trailingComma)) ? secondLine : innerLine;
        return makeTupleOrConst(NodeKind::TestlistComp, tupleLine, std::move(items));
    }
    Node* list = make(NodeKind::TestlistComp, innerLine);
    list->kids = std::move(items);
    Node* n = make(NodeKind::AtomParen, ln);
    n->kids.push_back(list);
    return n;
}

// atom_bracket: '[' [testlist_comp] ']'
Node* Parser::parseAtomBracket() {
    Node* n = make(NodeKind::AtomBracket, line());
    advance();
    if (accept(TokenKind::DelBracketClose)) return n;
    uint32_t innerLine = line();
    Node* first = is(TokenKind::OpStar) ? parseStarExpr() : parseNamedExprTest();
    if (is(TokenKind::KwFor) || is(TokenKind::KwAsync)) {
        Node* comp = make(NodeKind::Comprehension, innerLine);
        comp->kids = {first, parseCompFor()};
        n->kids.push_back(comp);
    } else if (is(TokenKind::DelComma)) {
        Node* list = make(NodeKind::TestlistComp, innerLine);
        list->kids.push_back(first);
        while (accept(TokenKind::DelComma)) {
            if (is(TokenKind::DelBracketClose)) break;
            list->kids.push_back(is(TokenKind::OpStar) ? parseStarExpr() : parseNamedExprTest());
        }
        n->kids.push_back(list);
    } else {
        n->kids.push_back(first);
    }
    expect(TokenKind::DelBracketClose);
    return n;
}

// atom_brace: '{' [dictorsetmaker] '}'
// dictorsetmaker: (test ':' test | test | star_expr) (comp_for | (',' (test ':' test | test | star_expr))*
// [','])
Node* Parser::parseAtomBrace() {
    Node* n = make(NodeKind::AtomBrace, line());
    advance();
    if (accept(TokenKind::DelBraceClose)) return n;
    auto parseItem = [this]() -> Node* {
        uint32_t ln = line();
        Node* key = is(TokenKind::OpStar) ? parseStarExpr() : parseTest();
        if (!accept(TokenKind::DelColon)) return key;
        Node* item = make(NodeKind::DictOrSetMakerItem, ln);
        item->kids = {key, parseTest()};
        return item;
    };
    uint32_t innerLine = line();
    Node* first = parseItem();
    if (is(TokenKind::KwFor) || is(TokenKind::KwAsync)) {
        Node* comp = make(NodeKind::Comprehension, innerLine);
        comp->kids = {first, parseCompFor()};
        n->kids.push_back(comp);
    } else if (is(TokenKind::DelComma)) {
        Node* list =
            make(first->kind == NodeKind::DictOrSetMakerItem ? NodeKind::DictMaker : NodeKind::SetMaker,
                 innerLine);
        list->kids.push_back(first);
        while (accept(TokenKind::DelComma)) {
            if (is(TokenKind::DelBraceClose)) break;
            list->kids.push_back(parseItem());
        }
        n->kids.push_back(list);
    } else {
        n->kids.push_back(first);
    }
    expect(TokenKind::DelBraceClose);
    return n;
}

} // namespace

bool isConstantNode(const Node* n) {
    switch (n->kind) {
    case NodeKind::SmallInt:
    case NodeKind::String:
    case NodeKind::Token:
    case NodeKind::ConstObject: return true;
    case NodeKind::AtomParen: return n->kids.empty(); // ()
    default: return false;
    }
}

bool constantTruth(const Node* n) {
    switch (n->kind) {
    case NodeKind::SmallInt: return n->intValue != 0;
    case NodeKind::String: return !n->text.empty();
    case NodeKind::Token: {
        auto k = static_cast<TokenKind>(n->intValue);
        return k == TokenKind::KwTrue || k == TokenKind::Ellipsis;
    }
    case NodeKind::ConstObject: {
        const ConstValue& c = *n->constant;
        switch (c.kind) {
        case ConstValue::Kind::Int: return c.intValue != 0;
        case ConstValue::Kind::Float:
        case ConstValue::Kind::Complex: return c.floatValue != 0.0;
        case ConstValue::Kind::Str:
        case ConstValue::Kind::Bytes: return !c.bytes.empty();
        case ConstValue::Kind::Tuple: return !c.items.empty();
        case ConstValue::Kind::True:
        case ConstValue::Kind::Ellipsis: return true;
        default: return false;
        }
    }
    default: return false;
    }
}

void parseModule(std::string_view source, const ParserConfig& config, ParseTree& tree) {
    Parser parser(source, config, tree);
    tree.root = parser.parseFileInput();
}

} // namespace mpyseal::compiler
