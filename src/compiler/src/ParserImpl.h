// The recursive-descent parser's class, shared by Parser.cpp (statements) and ParserExpressions.cpp.
// One grammar rule in a comment above each parse function. Private to the compiler library.
#pragma once

#include "ConstantFolder.h"
#include "Lexer.h"
#include "ParseNode.h"
#include "Parser.h"

#include "mpyseal/compiler/Compiler.h"

#include <initializer_list>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mpyseal::compiler::detail {

using mpy::BinaryOp;
using mpy::UnaryOp;

// Nesting bound for hostile input (deeply nested brackets, unary chains, blocks): the recursive
// descent and the compiler's tree walk both use the C stack.
constexpr int kMaxDepth = 2000;

constexpr int kCompareNotIn = 100;
constexpr int kCompareIsNot = 101;

class Parser {
  public:
    Parser(std::string_view source, const ParserConfig& config, ParseTree& tree)
        : lex_(source, config.optimizeLevel, LexerDialect{config.v5, config.fstrings, config.unicode}),
          config_(config), tree_(tree) {
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
    Node* applyConstAssignment(Node* target, Node* value, uint32_t stmtLine, bool& isPrivate,
                               bool enabled = true);
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
    Node* parseNameLeaf();
    Node* parseAsName(NodeKind kind, Node* (Parser::*parseName)());

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
    struct ChainOp {
        TokenKind token;
        BinaryOp op;
    };
    Node* parseBinaryChain(NodeKind kind, Node* (Parser::*operand)(), std::initializer_list<ChainOp> table,
                           bool mixed);
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
    bool isInterned(const std::string& text) const;

    Node* foldChain(NodeKind kind, uint32_t ln, std::vector<Node*> operands, std::vector<int> ops,
                    BinaryOp uniformOp);
    Node* foldChainV5(NodeKind kind, uint32_t ln, std::vector<Node*> operands, std::vector<int> ops,
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

} // namespace mpyseal::compiler::detail
