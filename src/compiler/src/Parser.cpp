// Parser: module and statement rules. Expression rules are in ParserExpressions.cpp.
#include "ParserImpl.h"

#include "mpyseal/common/FloatText.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <cmath>
#include <optional>

namespace mpyseal::compiler {
namespace detail {

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
            Node* name = parseNameLeaf();
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
            value = applyConstAssignment(lhs, value, ln, isPrivate, !config_.v5);
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
    if (isConstantNode(lhs) && !(config_.v5 && lhs->kind == NodeKind::AtomParen))
        return make(NodeKind::Pass, ln);
    Node* n = make(NodeKind::ExprStmt, ln);
    n->kids.push_back(lhs);
    return n;
}

// NAME = const(value): remember the value for later uses of NAME (mpy-format.md §5.3.2).
Node* Parser::applyConstAssignment(Node* target, Node* value, uint32_t stmtLine, bool& isPrivate,
                                   bool enabled) {
    if (!enabled || !target->isName() || value->kind != NodeKind::AtomExpr || value->kids.size() != 2)
        return value;
    Node* callee = value->kids[0];
    Node* trailer = value->kids[1];
    if (!callee->isName() || callee->text != "const" || trailer->kind != NodeKind::TrailerParen) return value;
    Node* args = trailer->kids[0];
    Node* arg = nullptr;
    if (args->kind == NodeKind::Arglist && args->kids.size() == 1) arg = args->kids[0];
    if (config_.v5) {
        // MicroPython 1.13 only accepts integers
        auto number = arg != nullptr ? numericValue(arg) : std::nullopt;
        if (!number || number->kind != ConstValue::Kind::Int)
            errorAt(value->line, "constant must be an integer");
    }
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
                name = parseNameLeaf();
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
            Node* name = parseNameLeaf();
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

// NAME, as a name node (for names that are not expressions: imports, globals, except ... as NAME)
Node* Parser::parseNameLeaf() {
    Node* n = make(NodeKind::Name, line());
    n->text = expectName();
    return n;
}

Node* Parser::parseDottedName() {
    Node* d = make(NodeKind::DottedName, line());
    do {
        Node* name = parseNameLeaf();
        d->kids.push_back(name);
    } while (accept(TokenKind::DelPeriod));
    return d;
}

// dotted_as_name: dotted_name ['as' NAME]; import_as_name: NAME ['as' NAME]
Node* Parser::parseAsName(NodeKind kind, Node* (Parser::*parseName)()) {
    Node* item = make(kind, line());
    Node* name = (this->*parseName)();
    Node* as = accept(TokenKind::KwAs) ? parseNameLeaf() : null();
    item->kids = {name, as};
    return item;
}

// import_name: 'import' dotted_as_names
Node* Parser::parseImportName() {
    Node* n = make(NodeKind::ImportName, line());
    advance();
    do {
        n->kids.push_back(parseAsName(NodeKind::DottedAsName, &Parser::parseDottedName));
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
        n->kids.push_back(parseAsName(NodeKind::ImportAsName, &Parser::parseNameLeaf));
    } while (accept(TokenKind::DelComma));
    if (paren) expect(TokenKind::DelParenClose);
    return n;
}

} // namespace detail

bool isConstantNode(const Node* n, bool narrow) {
    if (narrow) {
        return n->kind == NodeKind::SmallInt ||
               (n->kind == NodeKind::Token && (static_cast<TokenKind>(n->intValue) == TokenKind::KwTrue ||
                                               static_cast<TokenKind>(n->intValue) == TokenKind::KwFalse));
    }
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
    detail::Parser parser(source, config, tree);
    tree.root = parser.parseFileInput();
}

} // namespace mpyseal::compiler
