// Parse tree of the compiler. Node kinds follow MicroPython's grammar rule names where the bytecode
// depends on them: a "structured" node records its source line when the compiler dispatches it
// (mpy-format.md §5.3.1, §5.6.4); leaves (names, small ints, interned strings, None/True/False/...)
// never do.
#pragma once

#include <gmpxx.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace mpyseal::compiler {

/// A compile-time constant object (parser folding results, literals, constant tuples).
struct ConstValue {
    enum class Kind : uint8_t { Int, Float, Complex, Str, Bytes, Tuple, None, False, True, Ellipsis };
    Kind kind = Kind::None;
    mpz_class intValue;            ///< Int
    double floatValue = 0.0;       ///< Float; Complex: imaginary part (real part is always 0)
    std::string bytes;             ///< Str (UTF-8) and Bytes
    std::vector<ConstValue> items; ///< Tuple
};

enum class NodeKind : uint8_t {
    // ---- leaves (never record a line) ----
    Null,
    Name,     ///< text
    SmallInt, ///< intValue
    String,   ///< text: an interned (qstr) string literal
    Token,    ///< intValue: TokenKind of None/True/False/Ellipsis

    // ---- structured nodes ----
    ConstObject, ///< constant; line 0 for folded values

    // statements
    FileInput, ///< kids: statements
    Pass,      ///< also lonely constants and `_NAME = const(...)`
    Break,
    Continue,
    ExprStmt,       ///< kids: [expr]
    Assign,         ///< kids: [target..., value]
    AugAssign,      ///< kids: [target, value]; intValue: in-place BinaryOp
    AnnAssign,      ///< kids: [target, annotation, value|Null]
    Del,            ///< kids: [target]
    Return,         ///< kids: [value|Null]
    YieldStmt,      ///< kids: [yield expression]
    Raise,          ///< kids: [exc|Null, cause|Null]
    ImportName,     ///< kids: DottedAsName...
    ImportFrom,     ///< intValue: level; kids: [DottedName|Null, ImportAsName...] or [module, Null] for '*'
    Global,         ///< kids: Name...
    Nonlocal,       ///< kids: Name...
    Assert,         ///< kids: [test, msg|Null]
    If,             ///< kids: [cond, body, cond, body, ..., else|Null]
    While,          ///< kids: [cond, body, else|Null]
    For,            ///< kids: [target, iter, body, else|Null]
    Try,            ///< kids: [body, else|Null, finally|Null, ExceptHandler...]
    With,           ///< kids: [WithItem..., body]
    FuncDef,        ///< text: name; kids: [Params, body, returnAnnotation|Null]
    AsyncFuncDef,   ///< kids: [FuncDef]
    AsyncFor,       ///< kids: [For]
    AsyncWith,      ///< kids: [With]
    ClassDef,       ///< text: name; kids: [Arglist|Null, body]
    Decorated,      ///< kids: [Decorator..., FuncDef|AsyncFuncDef|ClassDef]
    SimpleStmtList, ///< `a; b` on one line; kids: statements
    SuiteBlock,     ///< an indented block of more than one statement; kids: statements

    // helpers (never dispatched by the generic compiler)
    Params,         ///< kids: Param...
    Param,          ///< text: name ("" for bare '*'); intValue: 0 plain, 1 '*', 2 '**'; kids: [default|Null,
                    ///< annot|Null]
    ExceptHandler,  ///< kids: [type|Null, Name|Null, body]
    WithItem,       ///< kids: [expr, target|Null]
    Decorator,      ///< kids: [Name..., TrailerParen|Null]
    DottedName,     ///< kids: Name...
    DottedAsName,   ///< kids: [DottedName, Name|Null]
    ImportAsName,   ///< kids: [Name, Name|Null]
    CompFor,        ///< kids: [target, iter, next CompFor/CompIf|Null]; intValue 1 for async
    CompIf,         ///< kids: [cond, next|Null]
    Comprehension,  ///< kids: [element (or DictOrSetMakerItem), CompFor]
    Argument,       ///< name=value in a call: kids [Name, value]
    ArglistStar,    ///< *expr in a call: kids [expr]
    ArglistDblStar, ///< **expr in a call: kids [expr]
    Arglist,        ///< kids: call arguments

    // expressions (dispatched; record their line)
    NamedExpr,          ///< kids: [Name, value]
    TestIfExpr,         ///< kids: [body, cond, else]
    Lambda,             ///< kids: [Params, body]
    OrTest,             ///< kids: operands
    AndTest,            ///< kids: operands
    NotTest,            ///< kids: [operand]
    Comparison,         ///< kids: operands; ops: BinaryOp codes (NotIn=100, IsNot=101)
    StarExpr,           ///< kids: [expr]
    ExprOr,             ///< '|'; kids: operands
    XorExpr,            ///< '^'
    AndExpr,            ///< '&'
    ShiftExpr,          ///< kids: operands; ops
    ArithExpr,          ///< kids: operands; ops
    Term,               ///< kids: operands; ops
    Factor,             ///< intValue: UnaryOp; kids: [operand]
    Power,              ///< kids: [base, exponent]
    AtomAwait,          ///< kids: [AtomExpr-or-atom]
    AtomExpr,           ///< kids: [atom, trailer...]
    AtomParen,          ///< kids: [] for (), [TestlistComp] tuple, [Comprehension] genexpr, [yield]
    AtomBracket,        ///< kids: [] / [TestlistComp] / [Comprehension] / [single item]
    AtomBrace,          ///< kids: [] empty dict / [DictMaker|SetMaker|Comprehension] / [single item]
    TestlistComp,       ///< kids: items (a tuple/list display of >= 2 items, or 1 with a trailing comma)
    DictMaker,          ///< kids: DictOrSetMakerItem...
    SetMaker,           ///< kids: items
    DictOrSetMakerItem, ///< kids: [key, value]
    TrailerParen,       ///< kids: [Arglist|Null]
    TrailerBracket,     ///< kids: [index]
    TrailerPeriod,      ///< text: attribute name
    Subscriptlist,      ///< kids: items (a tuple index)
    Subscript2,         ///< slice a:b; kids: [start|Null, stop|Null]
    Subscript3,         ///< slice a:b:c; kids: [start|Null, stop|Null, step|Null]
    Testlist,           ///< bare tuple (return a, b; for x in a, b)
    TestlistStarExpr,   ///< bare tuple in an assignment
    Exprlist,           ///< for/del target tuple
    YieldExpr,          ///< kids: [value|Null]
    YieldFrom,          ///< kids: [value]
};

struct Node {
    NodeKind kind = NodeKind::Null;
    uint32_t line = 0;
    int64_t intValue = 0;
    std::string text;
    const ConstValue* constant = nullptr;
    std::vector<Node*> kids;
    std::vector<int> ops;  ///< operator codes between operands (Comparison, ShiftExpr, ArithExpr, Term)
    void* scope = nullptr; ///< the Scope a def/class/lambda/comprehension node creates (set in pass 1)

    bool isNull() const { return kind == NodeKind::Null; }
    bool isLeaf() const { return kind <= NodeKind::Token; }
    bool isName() const { return kind == NodeKind::Name; }
};

/// Owns every node and constant of one parse.
class ParseTree {
  public:
    Node* make(NodeKind kind, uint32_t line) {
        nodes_.emplace_back();
        Node* n = &nodes_.back();
        n->kind = kind;
        n->line = line;
        return n;
    }
    Node* null() { return &null_; }
    const ConstValue* keep(ConstValue value) {
        constants_.push_back(std::make_unique<ConstValue>(std::move(value)));
        return constants_.back().get();
    }
    Node* root = nullptr;

  private:
    std::deque<Node> nodes_;
    std::vector<std::unique_ptr<ConstValue>> constants_;
    Node null_;
};

} // namespace mpyseal::compiler
