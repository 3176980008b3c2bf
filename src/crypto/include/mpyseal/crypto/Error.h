// The single error type of the crypto library.
//
// Every failure is reported as mpyseal::crypto::Error. Its kind tells the Python layer which exception to
// raise (ValueError, TypeError, RuntimeError, or a failed authentication); its message is the text that the
// exception will carry, written to match Pycom's `crypto` and MicroPython's `cryptolib`/`hashlib` where those
// modules define one. Messages never contain key bytes, plaintext or passphrases: at most lengths, modes and
// mbedTLS error codes.
#pragma once

#include <stdexcept>
#include <string>

namespace mpyseal::crypto {

enum class ErrorKind {
    /// Bad argument value (Python ValueError): wrong key/IV length, unknown mode, unparsable key...
    Value,
    /// Missing or wrongly typed argument (Python TypeError), e.g. Pycom's CTR mode without `counter`.
    Type,
    /// The operation failed although the arguments looked right (Python RuntimeError): RNG failure,
    /// RSA plaintext too long for the key, PKCS#1 decryption failure in the Pycom API...
    Runtime,
    /// Authenticated decryption found a wrong tag or padding; no plaintext was released.
    Authentication,
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message, int backendCode = 0)
        : std::runtime_error(message), kind_(kind), backendCode_(backendCode) {}

    ErrorKind kind() const noexcept { return kind_; }
    /// The mbedTLS error code (negative) behind the failure, or 0 when the error was detected here.
    /// Version-specific: only for diagnostics and for the Pycom messages that print it.
    int backendCode() const noexcept { return backendCode_; }

  private:
    ErrorKind kind_;
    int backendCode_;
};

} // namespace mpyseal::crypto
