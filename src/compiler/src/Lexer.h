// Tokenizer for MicroPython source, reproducing the token stream of MicroPython 1.29's lexer: layout
// (INDENT/DEDENT/NEWLINE), adjacent-literal concatenation, escapes, and the rewrite of f-strings into
// "...".format(...) calls. Behaviour reference: ../shared/reference/mpy-format.md §5.2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpyseal::compiler {

enum class TokenKind : uint8_t {
    End,
    Invalid,
    DedentMismatch,
    LonelyStringOpen,
    MalformedFString,
    Newline,
    Indent,
    Dedent,
    Name,
    Integer,
    FloatOrImag,
    String,
    Bytes,
    Ellipsis,
    // keywords
    KwFalse,
    KwNone,
    KwTrue,
    KwDebug, // __debug__
    KwAnd,
    KwAs,
    KwAssert,
    KwAsync,
    KwAwait,
    KwBreak,
    KwClass,
    KwContinue,
    KwDef,
    KwDel,
    KwElif,
    KwElse,
    KwExcept,
    KwFinally,
    KwFor,
    KwFrom,
    KwGlobal,
    KwIf,
    KwImport,
    KwIn,
    KwIs,
    KwLambda,
    KwNonlocal,
    KwNot,
    KwOr,
    KwPass,
    KwRaise,
    KwReturn,
    KwTry,
    KwWhile,
    KwWith,
    KwYield,
    // operators and delimiters
    OpTilde,
    OpLess,
    OpMore,
    OpDblEqual,
    OpLessEqual,
    OpMoreEqual,
    OpNotEqual,
    OpPipe,
    OpCaret,
    OpAmpersand,
    OpDblLess,
    OpDblMore,
    OpPlus,
    OpMinus,
    OpStar,
    OpAt,
    OpDblSlash,
    OpSlash,
    OpPercent,
    OpDblStar,
    OpPipeEqual,
    OpCaretEqual,
    OpAmpersandEqual,
    OpDblLessEqual,
    OpDblMoreEqual,
    OpPlusEqual,
    OpMinusEqual,
    OpStarEqual,
    OpAtEqual,
    OpDblSlashEqual,
    OpSlashEqual,
    OpPercentEqual,
    OpDblStarEqual,
    OpAssign,
    OpAssignExpr, // :=
    DelParenOpen,
    DelParenClose,
    DelBracketOpen,
    DelBracketClose,
    DelBraceOpen,
    DelBraceClose,
    DelComma,
    DelColon,
    DelPeriod,
    DelSemicolon,
    DelMinusMore, // ->
};

struct Token {
    TokenKind kind = TokenKind::End;
    uint32_t line = 1;
    uint32_t column = 1;
    std::string text; ///< NAME text, number text (underscores removed), decoded string/bytes contents
};

/// How the lexer differs for MicroPython 1.13 (.mpy v5, mpy-v5.md §5.2 and §7.1).
struct LexerDialect {
    bool v5 = false;      ///< NEWLINE takes the next token's line; no t-strings
    bool fstrings = true; ///< f-string rewrite available
    bool unicode = true;  ///< false: escapes below 0x100 are single bytes, larger ones invalid
};

/// Pull-based lexer. The source is copied and normalised (CR/CRLF to LF, a final newline added).
class Lexer {
  public:
    /// `optimizeLevel` decides the value of __debug__ (True only at level 0).
    Lexer(std::string_view source, int optimizeLevel, LexerDialect dialect = LexerDialect());

    const Token& current() const { return tok_; }
    /// Advances to the next token. Throws CompileError(NotImplementedError) for "\N{...}" escapes.
    void advance();

  private:
    // character access (the injection buffer, used for f-string rewrites, is read first)
    int peekChar(size_t ahead = 0) const;
    bool isEnd() const { return peekChar(0) < 0; }
    bool isChar(char c) const { return peekChar(0) == static_cast<unsigned char>(c); }
    void nextChar();
    bool skipWhitespace(bool stopAtNewline);
    void lexStringOrBytes();
    size_t openQuotes();
    void parseStringLiteral(bool isRaw, bool isFString, bool isBytes);
    bool isStringStart() const;
    bool isTemplateStart() const;
    void lexTemplateString();
    static std::string decodeEscapes(const std::string& raw, bool isRaw);
    void lexNumber();
    void lexOperator();
    void lexToken();

    std::string src_;
    size_t pos_ = 0;
    std::string inject_; ///< characters injected by f-strings, read before src_[pos_]
    size_t injectPos_ = 0;
    uint32_t line_ = 1;
    uint32_t column_ = 1;
    int nestedBracketLevel_ = 0;
    std::vector<uint32_t> indentStack_{0};
    int emitDent_ = 0;
    bool debugValue_;
    LexerDialect dialect_;
    bool first_ = true;
    std::string fstringArgs_; ///< ".format(" + args collected while lexing an f-string token
    Token tok_;
};

} // namespace mpyseal::compiler
