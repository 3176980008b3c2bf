#include "Lexer.h"

#include "mpyseal/compiler/Compiler.h"

#include <array>
#include <cstring>

namespace mpyseal::compiler {

namespace {

constexpr uint32_t kTabSize = 8;

struct Keyword {
    std::string_view text;
    TokenKind kind;
};

constexpr std::array kKeywords{
    Keyword{"False", TokenKind::KwFalse},
    Keyword{"None", TokenKind::KwNone},
    Keyword{"True", TokenKind::KwTrue},
    Keyword{"__debug__", TokenKind::KwDebug},
    Keyword{"and", TokenKind::KwAnd},
    Keyword{"as", TokenKind::KwAs},
    Keyword{"assert", TokenKind::KwAssert},
    Keyword{"async", TokenKind::KwAsync},
    Keyword{"await", TokenKind::KwAwait},
    Keyword{"break", TokenKind::KwBreak},
    Keyword{"class", TokenKind::KwClass},
    Keyword{"continue", TokenKind::KwContinue},
    Keyword{"def", TokenKind::KwDef},
    Keyword{"del", TokenKind::KwDel},
    Keyword{"elif", TokenKind::KwElif},
    Keyword{"else", TokenKind::KwElse},
    Keyword{"except", TokenKind::KwExcept},
    Keyword{"finally", TokenKind::KwFinally},
    Keyword{"for", TokenKind::KwFor},
    Keyword{"from", TokenKind::KwFrom},
    Keyword{"global", TokenKind::KwGlobal},
    Keyword{"if", TokenKind::KwIf},
    Keyword{"import", TokenKind::KwImport},
    Keyword{"in", TokenKind::KwIn},
    Keyword{"is", TokenKind::KwIs},
    Keyword{"lambda", TokenKind::KwLambda},
    Keyword{"nonlocal", TokenKind::KwNonlocal},
    Keyword{"not", TokenKind::KwNot},
    Keyword{"or", TokenKind::KwOr},
    Keyword{"pass", TokenKind::KwPass},
    Keyword{"raise", TokenKind::KwRaise},
    Keyword{"return", TokenKind::KwReturn},
    Keyword{"try", TokenKind::KwTry},
    Keyword{"while", TokenKind::KwWhile},
    Keyword{"with", TokenKind::KwWith},
    Keyword{"yield", TokenKind::KwYield},
};

struct Operator {
    std::string_view text;
    TokenKind kind;
};

// Longest spellings first so that a prefix scan finds the longest match.
constexpr std::array kOperators{
    Operator{"**=", TokenKind::OpDblStarEqual}, Operator{"//=", TokenKind::OpDblSlashEqual},
    Operator{"<<=", TokenKind::OpDblLessEqual}, Operator{">>=", TokenKind::OpDblMoreEqual},
    Operator{"...", TokenKind::Ellipsis},       Operator{"**", TokenKind::OpDblStar},
    Operator{"//", TokenKind::OpDblSlash},      Operator{"<<", TokenKind::OpDblLess},
    Operator{">>", TokenKind::OpDblMore},       Operator{"<=", TokenKind::OpLessEqual},
    Operator{">=", TokenKind::OpMoreEqual},     Operator{"==", TokenKind::OpDblEqual},
    Operator{"!=", TokenKind::OpNotEqual},      Operator{"|=", TokenKind::OpPipeEqual},
    Operator{"^=", TokenKind::OpCaretEqual},    Operator{"&=", TokenKind::OpAmpersandEqual},
    Operator{"+=", TokenKind::OpPlusEqual},     Operator{"-=", TokenKind::OpMinusEqual},
    Operator{"*=", TokenKind::OpStarEqual},     Operator{"@=", TokenKind::OpAtEqual},
    Operator{"/=", TokenKind::OpSlashEqual},    Operator{"%=", TokenKind::OpPercentEqual},
    Operator{":=", TokenKind::OpAssignExpr},    Operator{"->", TokenKind::DelMinusMore},
    Operator{"~", TokenKind::OpTilde},          Operator{"<", TokenKind::OpLess},
    Operator{">", TokenKind::OpMore},           Operator{"|", TokenKind::OpPipe},
    Operator{"^", TokenKind::OpCaret},          Operator{"&", TokenKind::OpAmpersand},
    Operator{"+", TokenKind::OpPlus},           Operator{"-", TokenKind::OpMinus},
    Operator{"*", TokenKind::OpStar},           Operator{"@", TokenKind::OpAt},
    Operator{"/", TokenKind::OpSlash},          Operator{"%", TokenKind::OpPercent},
    Operator{"=", TokenKind::OpAssign},         Operator{"(", TokenKind::DelParenOpen},
    Operator{")", TokenKind::DelParenClose},    Operator{"[", TokenKind::DelBracketOpen},
    Operator{"]", TokenKind::DelBracketClose},  Operator{"{", TokenKind::DelBraceOpen},
    Operator{"}", TokenKind::DelBraceClose},    Operator{",", TokenKind::DelComma},
    Operator{":", TokenKind::DelColon},         Operator{".", TokenKind::DelPeriod},
    Operator{";", TokenKind::DelSemicolon},
};

bool isDigit(int c) {
    return c >= '0' && c <= '9';
}
bool isLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isIdentHead(int c) {
    return isLetter(c) || c == '_' || c >= 0x80;
}
bool isIdentTail(int c) {
    return isIdentHead(c) || isDigit(c);
}
bool isHexDigit(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hexValue(int c) {
    return isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}
// Python's whitespace inside a line (newline is handled separately).
bool isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

void appendUtf8(std::string& out, uint32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
}

} // namespace

Lexer::Lexer(std::string_view source, int optimizeLevel, LexerDialect dialect)
    : debugValue_(optimizeLevel == 0), dialect_(dialect) {
    // Normalise line endings once so the scanner only ever sees '\n'.
    src_.reserve(source.size() + 1);
    for (size_t i = 0; i < source.size(); ++i) {
        char c = source[i];
        if (c == '\r') {
            src_.push_back('\n');
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            src_.push_back(c);
        }
    }
    if (src_.empty() || src_.back() != '\n') src_.push_back('\n');
    // Leading blank and comment lines produce no NEWLINE: the module starts at its first real token
    // (its line is where compile errors without a line of their own are reported).
    skipWhitespace(false);
    advance();
    // A first token that is not in column 1 is an unexpected indent.
    if (tok_.column != 1 && tok_.kind != TokenKind::Newline) tok_.kind = TokenKind::Indent;
    first_ = false;
}

int Lexer::peekChar(size_t ahead) const {
    size_t injectLeft = inject_.size() - injectPos_;
    if (ahead < injectLeft) return static_cast<unsigned char>(inject_[injectPos_ + ahead]);
    size_t p = pos_ + (ahead - injectLeft);
    if (p < src_.size()) return static_cast<unsigned char>(src_[p]);
    return -1;
}

void Lexer::nextChar() {
    int c = peekChar(0);
    if (c < 0) return;
    if (c == '\n') {
        ++line_;
        column_ = 1;
    } else if (c == '\t') {
        column_ = ((column_ - 1 + kTabSize) / kTabSize) * kTabSize + 1;
    } else {
        ++column_;
    }
    if (injectPos_ < inject_.size()) {
        if (++injectPos_ == inject_.size()) {
            inject_.clear();
            injectPos_ = 0;
        }
    } else {
        ++pos_;
    }
}

// Skips spaces, comments and line continuations. With `stopAtNewline`, stops at a physical newline
// outside brackets. Returns true if a physical newline was passed.
bool Lexer::skipWhitespace(bool stopAtNewline) {
    bool hadNewline = false;
    while (!isEnd()) {
        int c = peekChar(0);
        if (c == '\n') {
            if (stopAtNewline && nestedBracketLevel_ == 0) break;
            hadNewline = true;
            nextChar();
        } else if (isSpace(c)) {
            nextChar();
        } else if (c == '#') {
            while (!isEnd() && peekChar(0) != '\n') nextChar();
        } else if (c == '\\' && peekChar(1) == '\n') {
            nextChar();
            nextChar();
        } else {
            break;
        }
    }
    return hadNewline;
}

void Lexer::advance() {
    tok_.text.clear();
    if (emitDent_ < 0) {
        tok_.kind = TokenKind::Dedent;
        tok_.line = line_;
        tok_.column = column_;
        ++emitDent_;
        return;
    }
    if (emitDent_ > 0) {
        tok_.kind = TokenKind::Indent;
        tok_.line = line_;
        tok_.column = column_;
        --emitDent_;
        return;
    }
    skipWhitespace(true);
    tok_.line = line_;
    tok_.column = column_;
    if (!isEnd() && peekChar(0) == '\n' && nestedBracketLevel_ == 0) {
        // NEWLINE keeps the line of the newline character; the indentation of the next logical line
        // decides the INDENT/DEDENT tokens that follow it.
        tok_.kind = TokenKind::Newline;
        skipWhitespace(false);
        if (dialect_.v5) tok_.line = line_; // 1.13 gives NEWLINE the line of the next token
        uint32_t numSpaces = column_ - 1;
        if (isEnd()) numSpaces = 0;
        if (numSpaces > indentStack_.back()) {
            indentStack_.push_back(numSpaces);
            ++emitDent_;
        } else if (numSpaces < indentStack_.back()) {
            while (numSpaces < indentStack_.back()) {
                indentStack_.pop_back();
                --emitDent_;
            }
            if (numSpaces != indentStack_.back()) tok_.kind = TokenKind::DedentMismatch;
        }
        return;
    }
    if (isEnd()) {
        tok_.kind = TokenKind::End;
        return;
    }
    lexToken();
}

bool Lexer::isTemplateStart() const {
    if (dialect_.v5) return false;
    int c0 = peekChar(0), c1 = peekChar(1), c2 = peekChar(2);
    auto isQuote = [](int c) { return c == '\'' || c == '"'; };
    if (c0 == 't' && isQuote(c1)) return true;
    return ((c0 == 't' && c1 == 'r') || (c0 == 'r' && c1 == 't')) && isQuote(c2);
}

bool Lexer::isStringStart() const {
    int c0 = peekChar(0), c1 = peekChar(1), c2 = peekChar(2);
    auto isQuote = [](int c) { return c == '\'' || c == '"'; };
    if (isQuote(c0)) return true;
    const bool f = dialect_.fstrings;
    auto isPrefix = [f](int c) { return c == 'r' || c == 'u' || c == 'b' || (f && c == 'f'); };
    if (isPrefix(c0) && isQuote(c1)) return true;
    if (((c0 == 'r' && (c1 == 'b' || (f && c1 == 'f'))) || ((c0 == 'b' || (f && c0 == 'f')) && c1 == 'r')) &&
        isQuote(c2))
        return true;
    return false;
}

void Lexer::lexToken() {
    int c = peekChar(0);
    if (isTemplateStart()) {
        lexTemplateString();
    } else if (isStringStart()) {
        lexStringOrBytes();
    } else if (isIdentHead(c)) {
        while (!isEnd() && isIdentTail(peekChar(0))) {
            tok_.text.push_back(static_cast<char>(peekChar(0)));
            nextChar();
        }
        tok_.kind = TokenKind::Name;
        for (const auto& kw : kKeywords) {
            if (kw.text == tok_.text) {
                tok_.kind = kw.kind;
                break;
            }
        }
        if (tok_.kind == TokenKind::KwDebug) tok_.kind = debugValue_ ? TokenKind::KwTrue : TokenKind::KwFalse;
    } else if (isDigit(c) || (c == '.' && isDigit(peekChar(1)))) {
        lexNumber();
    } else {
        lexOperator();
    }
}

void Lexer::lexNumber() {
    bool forcedInteger = false;
    int c = peekChar(0);
    if (c == '.') {
        tok_.kind = TokenKind::FloatOrImag;
    } else {
        tok_.kind = TokenKind::Integer;
        int n = peekChar(1) | 0x20;
        if (c == '0' && (n == 'x' || n == 'o' || n == 'b')) forcedInteger = true;
    }
    tok_.text.push_back(static_cast<char>(c));
    nextChar();
    while (!isEnd()) {
        c = peekChar(0);
        if (!forcedInteger && (c == 'e' || c == 'E')) {
            tok_.kind = TokenKind::FloatOrImag;
            tok_.text.push_back('e');
            nextChar();
            if (peekChar(0) == '+' || peekChar(0) == '-') {
                tok_.text.push_back(static_cast<char>(peekChar(0)));
                nextChar();
            }
        } else if (isLetter(c) || isDigit(c) || c == '.') {
            if (c == '.' || c == 'j' || c == 'J') tok_.kind = TokenKind::FloatOrImag;
            tok_.text.push_back(static_cast<char>(c));
            nextChar();
        } else if (c == '_') {
            nextChar();
        } else {
            break;
        }
    }
}

void Lexer::lexOperator() {
    for (const auto& op : kOperators) {
        bool match = true;
        for (size_t i = 0; i < op.text.size(); ++i) {
            if (peekChar(i) != static_cast<unsigned char>(op.text[i])) {
                match = false;
                break;
            }
        }
        if (!match) continue;
        for (size_t i = 0; i < op.text.size(); ++i) nextChar();
        tok_.kind = op.kind;
        switch (op.kind) {
        case TokenKind::DelParenOpen:
        case TokenKind::DelBracketOpen:
        case TokenKind::DelBraceOpen: ++nestedBracketLevel_; break;
        case TokenKind::DelParenClose:
        case TokenKind::DelBracketClose:
        case TokenKind::DelBraceClose:
            if (nestedBracketLevel_ > 0) --nestedBracketLevel_;
            break;
        default: break;
        }
        return;
    }
    // Not a valid token: consume the character so the parser reports it here.
    tok_.kind = TokenKind::Invalid;
    nextChar();
}

void Lexer::lexStringOrBytes() {
    // Adjacent literals are concatenated here, as MicroPython does, so the parser sees one token.
    bool first = true;
    bool anyFString = false;
    do {
        // isStringStart() has checked the prefix (u, b, r, f, br, rb, fr, rf): read its letters up to the
        // quote.
        bool isRaw = false, isBytes = false, isFString = false;
        int nPrefix = 0;
        for (int c; (c = peekChar(nPrefix)) != '\'' && c != '"'; ++nPrefix) {
            isRaw = isRaw || c == 'r';
            isBytes = isBytes || c == 'b';
            isFString = isFString || c == 'f';
        }
        TokenKind kind = isBytes ? TokenKind::Bytes : TokenKind::String;
        if (first) {
            tok_.kind = kind;
        } else if (tok_.kind != kind) {
            break; // str and bytes cannot be concatenated; the parser rejects the next token
        }
        first = false;
        for (int i = 0; i < nPrefix; ++i) nextChar();
        if (isFString && !anyFString) {
            anyFString = true;
            fstringArgs_ = ".format(";
        }
        parseStringLiteral(isRaw, isFString, isBytes);
        skipWhitespace(true);
    } while (isStringStart());

    if (anyFString) {
        fstringArgs_.push_back(')');
        // The rewrite is read before whatever input remains (including earlier injections).
        inject_ = fstringArgs_ + inject_.substr(injectPos_);
        injectPos_ = 0;
        fstringArgs_.clear();
    }
}

// Consumes a string literal's opening quote, or three alike; returns how many.
size_t Lexer::openQuotes() {
    int quote = peekChar(0);
    nextChar();
    if (peekChar(0) != quote || peekChar(1) != quote) return 1;
    nextChar();
    nextChar();
    return 3;
}

void Lexer::parseStringLiteral(bool isRaw, bool isFString, bool isBytes) {
    std::string& out = tok_.text;
    int quote = peekChar(0);
    size_t numQuotes = openQuotes();
    size_t nClosing = 0;
    auto setError = [&](TokenKind kind) {
        // Keep the first error: an invalid escape must not be masked by a later one.
        if (tok_.kind == TokenKind::String || tok_.kind == TokenKind::Bytes) tok_.kind = kind;
    };
    while (!isEnd() && (numQuotes > 1 || peekChar(0) != '\n') && nClosing < numQuotes) {
        int c = peekChar(0);
        if (c == quote) {
            ++nClosing;
            out.push_back(static_cast<char>(c));
            nextChar();
            continue;
        }
        nClosing = 0;
        while (isFString && peekChar(0) == '{') {
            nextChar();
            if (peekChar(0) == '{') {
                out.push_back('{'); // "{{" stays doubled for str.format
                nextChar();
            } else {
                // Collect the expression up to ':', '}' or a '!r'/'!s' conversion at bracket depth 0;
                // the conversion and format spec stay in the format string.
                std::string expr;
                int depth = 0;
                while (!isEnd()) {
                    int e = peekChar(0);
                    if (depth == 0) {
                        if (e == ':' || e == '}') break;
                        if (e == '!' && (peekChar(1) == 'r' || peekChar(1) == 's') &&
                            (peekChar(2) == ':' || peekChar(2) == '}'))
                            break;
                    }
                    // Only [] and {} nest here, as in MicroPython: "f'{(lambda: 1)()}'" stops at ':'.
                    if (e == '[' || e == '{') ++depth;
                    if ((e == ']' || e == '}') && depth > 0) --depth;
                    expr.push_back(static_cast<char>(e));
                    nextChar();
                }
                bool blank = expr.find_first_not_of(" \t\n") == std::string::npos;
                if (blank || isEnd()) {
                    setError(TokenKind::MalformedFString);
                } else {
                    if (expr.back() == '=') {
                        out += expr; // f'{a=}' becomes 'a={}'.format(a)
                        expr.pop_back();
                    }
                    fstringArgs_ += "(";
                    fstringArgs_ += expr;
                    fstringArgs_ += "),";
                }
            }
            out.push_back('{');
        }
        c = peekChar(0);
        if (c < 0) break;
        if (c == '\\') {
            nextChar();
            int e = peekChar(0);
            if (e < 0) break;
            long value = e;
            bool emit = true;
            if (isRaw) {
                out.push_back('\\'); // raw literals keep the backslash, and the next char is literal
            } else {
                switch (e) {
                case '\n': emit = false; break;
                case '\\':
                case '\'':
                case '"': break;
                case 'a': value = 0x07; break;
                case 'b': value = 0x08; break;
                case 't': value = 0x09; break;
                case 'n': value = 0x0a; break;
                case 'v': value = 0x0b; break;
                case 'f': value = 0x0c; break;
                case 'r': value = 0x0d; break;
                case 'u':
                case 'U':
                    if (isBytes) {
                        out.push_back('\\'); // b'\u1234' is six bytes
                        break;
                    }
                    [[fallthrough]];
                case 'x': {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    unsigned long num = 0;
                    bool ok = true;
                    while (digits-- > 0) {
                        nextChar();
                        int h = peekChar(0);
                        if (!isHexDigit(h)) {
                            ok = false;
                            break;
                        }
                        num = (num << 4) + static_cast<unsigned long>(hexValue(h));
                    }
                    if (!ok) {
                        setError(TokenKind::Invalid);
                        num = 0;
                    }
                    value = static_cast<long>(num);
                    break;
                }
                case 'N': throw CompileError("", 0, "", "NotImplementedError", "unicode name escapes", false);
                default:
                    if (e >= '0' && e <= '7') {
                        long num = e - '0';
                        int digits = 3;
                        while (peekChar(1) >= '0' && peekChar(1) <= '7' && --digits != 0) {
                            nextChar();
                            num = num * 8 + (peekChar(0) - '0');
                        }
                        value = num;
                    } else {
                        out.push_back('\\'); // unknown escapes keep their backslash
                    }
                    break;
                }
            }
            if (emit && peekChar(0) >= 0) {
                if (!isBytes && !dialect_.unicode && value < 0x100) {
                    out.push_back(static_cast<char>(value)); // -mno-unicode: a str holds bytes
                } else if (!isBytes && !dialect_.unicode) {
                    setError(TokenKind::Invalid);
                } else if (!isBytes && value < 0x110000) {
                    appendUtf8(out, static_cast<uint32_t>(value));
                } else if (isBytes && value < 0x100) {
                    out.push_back(static_cast<char>(value));
                } else {
                    setError(TokenKind::Invalid);
                }
            }
        } else {
            out.push_back(static_cast<char>(c)); // bytes pass through, so UTF-8 stays intact
        }
        nextChar();
    }
    if (nClosing < numQuotes) setError(TokenKind::LonelyStringOpen);
    out.resize(out.size() - nClosing);
}

namespace {

// A Python string literal whose value is exactly `text` (for text the lexer injects).
std::string quoteLiteral(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c == 0x7f) {
            static const char* const kHex = "0123456789abcdef";
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        } else {
            out.push_back(static_cast<char>(c)); // UTF-8 bytes pass through unchanged
        }
    }
    out.push_back('"');
    return out;
}

struct TemplateField {
    std::string expr;
    std::string conversion; // "", or one of r s a
    std::string spec;
    bool specHasFields = false;
};

} // namespace

// t-strings (PEP 750, new in MicroPython 1.29) become a call of the builtin __template__ with a tuple of the
// literal parts, then (value, expression text, conversion or None, format spec) for each interpolation
// (mpy-format.md §5.2). The call is injected as source text, like the f-string rewrite.
void Lexer::lexTemplateString() {
    std::vector<std::string> parts{""};
    std::vector<TemplateField> fields;
    bool malformed = false;
    while (isTemplateStart()) {
        bool isRaw = peekChar(0) == 'r' || peekChar(1) == 'r';
        nextChar();
        if (isRaw) nextChar();
        int quote = peekChar(0);
        size_t numQuotes = openQuotes();
        std::string raw; // literal text with escapes still encoded
        auto flushLiteral = [&] {
            // Decode escapes by running the literal text through the ordinary string scanner.
            parts.back() += decodeEscapes(raw, isRaw);
            raw.clear();
        };
        size_t nClosing = 0;
        while (!isEnd() && (numQuotes > 1 || peekChar(0) != '\n') && nClosing < numQuotes) {
            int c = peekChar(0);
            if (c == quote) {
                ++nClosing;
                nextChar();
                continue;
            }
            if (nClosing > 0) { // quotes that did not close the literal belong to it
                raw.append(nClosing, static_cast<char>(quote));
                nClosing = 0;
            }
            if (c == '\\') {
                raw.push_back('\\');
                nextChar();
                if (!isEnd()) {
                    raw.push_back(static_cast<char>(peekChar(0)));
                    nextChar();
                }
                continue;
            }
            if (c == '}' && peekChar(1) == '}') {
                raw.push_back('}');
                nextChar();
                nextChar();
                continue;
            }
            if (c != '{') {
                raw.push_back(static_cast<char>(c));
                nextChar();
                continue;
            }
            nextChar();
            if (peekChar(0) == '{') {
                raw.push_back('{');
                nextChar();
                continue;
            }
            TemplateField field;
            int depth = 0;
            while (!isEnd()) {
                int e = peekChar(0);
                if (depth == 0) {
                    if (e == ':' || e == '}') break;
                    if (e == '!' && (peekChar(1) == 'r' || peekChar(1) == 's' || peekChar(1) == 'a') &&
                        (peekChar(2) == ':' || peekChar(2) == '}'))
                        break;
                }
                if (e == '[' || e == '{' || e == '(') ++depth;
                if ((e == ']' || e == '}' || e == ')') && depth > 0) --depth;
                field.expr.push_back(static_cast<char>(e));
                nextChar();
            }
            bool selfDocumenting = !field.expr.empty() && field.expr.back() == '=';
            if (selfDocumenting) {
                raw += field.expr; // t'{a=}' puts "a=" into the literal part
                field.expr.pop_back();
            }
            if (peekChar(0) == '!') {
                nextChar();
                field.conversion.push_back(static_cast<char>(peekChar(0)));
                nextChar();
            }
            if (peekChar(0) == ':') {
                nextChar();
                int specDepth = 0;
                while (!isEnd() && !(specDepth == 0 && peekChar(0) == '}')) {
                    int e = peekChar(0);
                    if (e == '{') {
                        ++specDepth;
                        field.specHasFields = true;
                    }
                    if (e == '}') --specDepth;
                    field.spec.push_back(static_cast<char>(e));
                    nextChar();
                }
            }
            if (selfDocumenting && field.conversion.empty() && field.spec.empty()) field.conversion = "r";
            if (peekChar(0) != '}' || field.expr.find_first_not_of(" \t\n") == std::string::npos) {
                malformed = true;
                break;
            }
            nextChar();
            flushLiteral();
            fields.push_back(std::move(field));
            parts.emplace_back();
        }
        flushLiteral();
        if (malformed || nClosing < numQuotes) break;
        skipWhitespace(true);
    }
    tok_.kind = malformed ? TokenKind::MalformedFString : TokenKind::Name;
    if (malformed) return;

    std::string call = "__template__((";
    for (const auto& part : parts) call += quoteLiteral(part) + ",";
    call += ")";
    std::string args;
    for (const auto& f : fields) {
        args += ",(" + f.expr + ")," + quoteLiteral(f.expr) + ",";
        args += f.conversion.empty() ? std::string("None") : quoteLiteral(f.conversion);
        args += ",";
        args += f.specHasFields ? "f" + quoteLiteral(f.spec) : quoteLiteral(f.spec);
    }
    // More than 63 interpolations travel as one tuple (a call takes at most 255 positional arguments).
    if (fields.size() > 63) args = ",(" + args.substr(1) + ",)";
    call += args + ")";
    inject_ = call + inject_.substr(injectPos_);
    injectPos_ = 0;
    // The token is the first one of the injected call.
    tok_.text.clear();
    lexToken();
}

std::string Lexer::decodeEscapes(const std::string& raw, bool isRaw) {
    if (isRaw) return raw;
    // Reuse the ordinary literal scanner on a private lexer so escapes decode exactly as in strings.
    std::string quoted = "\"\"\"" + raw + "\"\"\"";
    Lexer sub(quoted, 0);
    return sub.current().text;
}

} // namespace mpyseal::compiler
