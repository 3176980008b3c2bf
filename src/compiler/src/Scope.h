// Scopes and identifier resolution (mpy-format.md §5.4).
#pragma once

#include "ParseNode.h"

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mpyseal::compiler {

// Order matters: kinds from Lambda on are "function-like" (they have fast locals).
enum class ScopeKind : uint8_t { Module, Class, Lambda, ListComp, DictComp, SetComp, GenExpr, Function };

inline bool isFunctionLike(ScopeKind k) {
    return k >= ScopeKind::Lambda;
}
inline bool isComprehensionLike(ScopeKind k) {
    return k >= ScopeKind::ListComp && k <= ScopeKind::GenExpr;
}

enum class IdKind : uint8_t {
    Undecided,
    GlobalImplicit,
    GlobalImplicitAssigned,
    GlobalExplicit,
    Local,
    Cell,
    Free,
};

inline constexpr uint8_t kIdFlagParam = 0x01;
inline constexpr uint8_t kIdFlagStarParam = 0x02;
inline constexpr uint8_t kIdFlagDblStarParam = 0x04;

struct IdInfo {
    std::string name;
    IdKind kind = IdKind::Undecided;
    uint8_t flags = 0;
    int localNum = 0;
};

enum class EmitKind : uint8_t { Bytecode, NativePython, Viper, Asm };

struct Scope {
    ScopeKind kind = ScopeKind::Module;
    Scope* parent = nullptr;
    Node* pn = nullptr;
    std::string simpleName;
    EmitKind emitKind = EmitKind::Bytecode;
    uint32_t scopeFlags = 0; ///< mpy::kScopeFlag* bits
    int numPosArgs = 0;
    int numKwonlyArgs = 0;
    int numDefPosArgs = 0;
    int numLocals = 0;
    int stackSize = 0;
    int excStackSize = 0;
    std::vector<IdInfo> ids;
    std::unordered_map<std::string, size_t> idIndex; ///< name -> position in ids
    std::vector<Scope*> children;                    ///< in MAKE_FUNCTION/MAKE_CLOSURE index order
    mpy::RawCode rawCode;

    IdInfo* find(const std::string& name);
    /// Finds `name` or appends it with `kind`; `added` tells which happened.
    IdInfo* findOrAdd(const std::string& name, IdKind kind, bool& added);
    /// The module scope's entry for `name`, if any.
    IdInfo* findGlobal(const std::string& name);
    /// If an enclosing function-like scope binds the implicit global `id`, turn it into a free variable.
    void checkToCloseOver(IdInfo& id);
    /// After pass 1: *args reordering, local numbering, cells, and free variables (§5.4.3).
    void computeLocals();

  private:
    void closeOverInParents(const std::string& name);
};

} // namespace mpyseal::compiler
