#include "Scope.h"

#include <utility>

namespace mpyseal::compiler {

IdInfo* Scope::find(const std::string& name) {
    auto it = idIndex.find(name);
    return it == idIndex.end() ? nullptr : &ids[it->second];
}

IdInfo* Scope::findOrAdd(const std::string& name, IdKind idKind, bool& added) {
    auto [it, inserted] = idIndex.try_emplace(name, ids.size());
    added = inserted;
    if (inserted) ids.push_back(IdInfo{name, idKind, 0, 0});
    return &ids[it->second];
}

IdInfo* Scope::findGlobal(const std::string& name) {
    Scope* s = this;
    while (s->parent != nullptr) s = s->parent;
    return s->find(name);
}

void Scope::closeOverInParents(const std::string& name) {
    // Every scope between this one and the binding scope passes the variable through as free.
    for (Scope* s = parent; s != nullptr && s->parent != nullptr; s = s->parent) {
        bool added = false;
        IdInfo* id = s->findOrAdd(name, IdKind::Undecided, added);
        if (added) {
            id->kind = IdKind::Free;
            continue;
        }
        if (id->kind == IdKind::Local) id->kind = IdKind::Cell;
        return;
    }
}

void Scope::checkToCloseOver(IdInfo& id) {
    if (parent == nullptr) return;
    std::string name = id.name; // `id` may move when parents grow their lists; copy the name first
    for (Scope* s = parent; s->parent != nullptr; s = s->parent) {
        IdInfo* other = s->find(name);
        if (other == nullptr) continue;
        if (other->kind == IdKind::Local || other->kind == IdKind::Cell || other->kind == IdKind::Free) {
            id.kind = IdKind::Free;
            closeOverInParents(name);
        }
        return;
    }
}

void Scope::computeLocals() {
    // MicroPython puts *args after the keyword-only parameters: swap it with the last plain parameter.
    if (scopeFlags & 0x04) {
        IdInfo* lastParam = nullptr;
        for (size_t i = ids.size(); i-- > 0;) {
            IdInfo& id = ids[i];
            if (id.flags & kIdFlagStarParam) {
                if (lastParam != nullptr) {
                    std::swap(*lastParam, id);
                    std::swap(idIndex[lastParam->name], idIndex[id.name]);
                }
                break;
            }
            if (lastParam == nullptr && id.flags == kIdFlagParam) lastParam = &id;
        }
    }

    numLocals = 0;
    for (auto& id : ids) {
        if (kind == ScopeKind::Class && id.name == "__class__") continue; // only a local if it is a cell
        if (isFunctionLike(kind) && id.kind == IdKind::GlobalImplicit) id.kind = IdKind::GlobalExplicit;
        if (id.kind == IdKind::Local || (id.flags & kIdFlagParam)) id.localNum = numLocals++;
    }
    for (auto& id : ids) {
        if (id.kind == IdKind::Cell && !(id.flags & kIdFlagParam)) id.localNum = numLocals++;
    }

    // Free variables come first, in the order of the parent's identifier list.
    if (parent != nullptr) {
        int numFree = 0;
        for (auto& parentId : parent->ids) {
            if (parentId.kind != IdKind::Cell && parentId.kind != IdKind::Free) continue;
            for (auto& id : ids) {
                if (id.kind == IdKind::Free && id.name == parentId.name) id.localNum = numFree++;
            }
        }
        if (numFree > 0) {
            for (auto& id : ids) {
                if (id.kind != IdKind::Free || (id.flags & kIdFlagParam)) id.localNum += numFree;
            }
            numPosArgs += numFree;
            numLocals += numFree;
        }
    }
}

} // namespace mpyseal::compiler
