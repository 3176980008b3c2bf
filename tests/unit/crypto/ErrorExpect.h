// EXPECT helper for the crypto error type: checks kind and exact message (or message prefix).
#pragma once

#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

#include <string>

namespace mpyseal::crypto::test {

template <class F>
void expectError(F&& f, ErrorKind kind, const std::string& message, bool prefixOnly = false) {
    try {
        f();
        ADD_FAILURE() << "no error; expected: " << message;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        const std::string what = e.what();
        if (prefixOnly)
            EXPECT_EQ(what.substr(0, message.size()), message);
        else
            EXPECT_EQ(what, message);
    }
}

} // namespace mpyseal::crypto::test
