// Parser: expression rules, with the parse-time folding of mpy-format.md §5.3.
#include "ParserImpl.h"

#include "mpyseal/common/FloatText.h"
#include "mpyseal/mpy/StaticQstrs.h"

#include <cmath>
#include <optional>

namespace mpyseal::compiler::detail {

// ---------------------------------------------------------------------------------------------------
// expressions

Node* Parser::makeTupleOrConst(NodeKind kind, uint32_t ln, std::vector<Node*> items) {
    bool allConst = !items.empty() && !config_.v5; // 1.13 has no constant tuples
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
        if (isConstantNode(op, config_.v5) && !last) {
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
    if (isConstantNode(operand, config_.v5)) {
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
    if (config_.v5) return foldChainV5(kind, ln, std::move(operands), std::move(ops), uniformOp);
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

// MicroPython 1.13 folds integers only, and a result that went through a big int stays an int object
// (mpy-v5.md §5.3.3).
Node* Parser::foldChainV5(NodeKind kind, uint32_t ln, std::vector<Node*> operands, std::vector<int> ops,
                          BinaryOp uniformOp) {
    auto intValue = [](const Node* n) -> std::optional<ConstValue> {
        auto v = numericValue(n);
        if (!v || v->kind != ConstValue::Kind::Int) return std::nullopt;
        return v;
    };
    std::optional<ConstValue> acc = intValue(operands[0]);
    bool allSmall = operands[0]->kind == NodeKind::SmallInt;
    for (size_t i = 1; acc && i < operands.size(); ++i) {
        std::optional<ConstValue> rhs = intValue(operands[i]);
        BinaryOp op = ops.empty() ? uniformOp : static_cast<BinaryOp>(ops[i - 1]);
        ConstValue result;
        bool foldable = rhs && op != BinaryOp::TrueDivide && op != BinaryOp::MatMultiply &&
                        !(op == BinaryOp::Power && rhs->intValue < 0);
        if (!foldable || !foldBinaryOp(op, *acc, *rhs, result)) {
            acc.reset();
            break;
        }
        allSmall = allSmall && operands[i]->kind == NodeKind::SmallInt && fitsSmallInt(result.intValue, 63);
        acc = std::move(result);
    }
    if (acc) {
        if (allSmall) return makeNumberNode(tree_, std::move(*acc), 0, 63);
        Node* n = make(NodeKind::ConstObject, 0);
        n->constant = tree_.keep(std::move(*acc));
        return n;
    }
    Node* n = make(kind, ln);
    n->kids = std::move(operands);
    n->ops = std::move(ops);
    return n;
}

// A left-associative chain `operand (op operand)*` of the binary operators in `table`; the first entry is
// the chain's uniform operator. Only chains of mixed operators keep the operator of each step (`mixed`).
Node* Parser::parseBinaryChain(NodeKind kind, Node* (Parser::*operand)(),
                               std::initializer_list<ChainOp> table, bool mixed) {
    auto opHere = [&]() -> const ChainOp* {
        for (const ChainOp& entry : table)
            if (is(entry.token)) return &entry;
        return nullptr;
    };
    uint32_t ln = line();
    Node* first = (this->*operand)();
    if (opHere() == nullptr) return first;
    std::vector<Node*> operands{first};
    std::vector<int> ops;
    while (const ChainOp* entry = opHere()) {
        if (mixed) ops.push_back(static_cast<int>(entry->op));
        advance();
        operands.push_back((this->*operand)());
    }
    return foldChain(kind, ln, std::move(operands), std::move(ops), table.begin()->op);
}

// expr: xor_expr ('|' xor_expr)*
Node* Parser::parseExpr() {
    return parseBinaryChain(NodeKind::ExprOr, &Parser::parseXorExpr, {{TokenKind::OpPipe, BinaryOp::Or}},
                            false);
}

// xor_expr: and_expr ('^' and_expr)*
Node* Parser::parseXorExpr() {
    return parseBinaryChain(NodeKind::XorExpr, &Parser::parseAndExpr, {{TokenKind::OpCaret, BinaryOp::Xor}},
                            false);
}

// and_expr: shift_expr ('&' shift_expr)*
Node* Parser::parseAndExpr() {
    return parseBinaryChain(NodeKind::AndExpr, &Parser::parseShiftExpr,
                            {{TokenKind::OpAmpersand, BinaryOp::And}}, false);
}

// shift_expr: arith_expr (('<<'|'>>') arith_expr)*
Node* Parser::parseShiftExpr() {
    return parseBinaryChain(
        NodeKind::ShiftExpr, &Parser::parseArithExpr,
        {{TokenKind::OpDblLess, BinaryOp::Lshift}, {TokenKind::OpDblMore, BinaryOp::Rshift}}, true);
}

// arith_expr: term (('+'|'-') term)*
Node* Parser::parseArithExpr() {
    return parseBinaryChain(NodeKind::ArithExpr, &Parser::parseTerm,
                            {{TokenKind::OpPlus, BinaryOp::Add}, {TokenKind::OpMinus, BinaryOp::Subtract}},
                            true);
}

// term: factor (('*'|'@'|'/'|'%'|'//') factor)*
Node* Parser::parseTerm() {
    return parseBinaryChain(NodeKind::Term, &Parser::parseFactor,
                            {{TokenKind::OpStar, BinaryOp::Multiply},
                             {TokenKind::OpAt, BinaryOp::MatMultiply},
                             {TokenKind::OpSlash, BinaryOp::TrueDivide},
                             {TokenKind::OpPercent, BinaryOp::Modulo},
                             {TokenKind::OpDblSlash, BinaryOp::FloorDivide}},
                            true);
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
    if (config_.v5) {
        // 1.13 folds unary operators on ints only; a big-int operand gives an int object
        auto value = numericValue(operand);
        ConstValue result;
        if (value && value->kind == ConstValue::Kind::Int && foldUnaryOp(op, *value, result)) {
            if (operand->kind == NodeKind::SmallInt && fitsSmallInt(result.intValue, 63))
                return makeNumberNode(tree_, std::move(result), 0, 63);
            Node* n = make(NodeKind::ConstObject, 0);
            n->constant = tree_.keep(std::move(result));
            return n;
        }
    } else if (auto value = numericValue(operand)) {
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
    if (!config_.v5 && trailers.size() == 1 && atom->isName() && atom->text == "math" &&
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
        if (value.bytes.size() <= 10 || isInterned(value.bytes)) {
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
        // (MicroPython 1.13 reads them as decimal: 0777 is 777.)
        if (ok && !config_.v5 && base == 10 && digits.size() > 1 && digits[0] == '0' &&
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
    v.floatValue = config_.v5 ? common::parseMicroPython113Float(body) : common::parseMicroPythonFloat(body);
    Node* n = make(NodeKind::ConstObject, ln);
    n->constant = tree_.keep(std::move(v));
    return n;
}

// Whether a qstr for `text` exists when the parser reaches a literal (mpy-format.md §5.3.6).
bool Parser::isInterned(const std::string& text) const {
    if (interned_.count(text)) return true;
    if (!mpy::isBuiltinQstr(text)) return false;
    if (!config_.v5) return true;
    // MicroPython 1.13's built-ins lack these newer ones (mpy-v5.md Appendix A5).
    static const char* const kNewer[] = {"Interpolation", "__complex__",    "__template__",
                                         "format_spec",   "interpolations", "string.templatelib",
                                         "templatelib"};
    for (const char* newer : kNewer)
        if (text == newer) return false;
    return true;
}

Node* Parser::parseStringAtom() {
    uint32_t ln = line();
    if (is(TokenKind::Bytes)) {
        ConstValue v;
        v.kind = ConstValue::Kind::Bytes;
        v.bytes = tok().text;
        advance();
        // 1.13 keeps short (or already interned) bytes as parse leaves: still a bytes object, but no line.
        if (config_.v5 && (v.bytes.size() <= 10 || isInterned(v.bytes))) {
            interned_.insert(v.bytes);
            ln = 0;
        }
        Node* n = make(NodeKind::ConstObject, ln);
        n->constant = tree_.keep(std::move(v));
        return n;
    }
    std::string text = tok().text;
    advance();
    // Short strings are always interned; longer ones only if the qstr already exists (§5.3.6).
    if (text.size() <= 10 || isInterned(text)) {
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
    bool allConst = !config_.v5;
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

} // namespace mpyseal::compiler::detail
