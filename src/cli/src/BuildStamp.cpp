// OUT_DIR/.mpyseal-build.json: writer and a reader for the small JSON subset it uses.
#include "BuildStamp.h"

#include "mpyseal/common/AtomicFile.h"

#include <cstdio>
#include <stdexcept>

namespace mpyseal::cli {
namespace {

void appendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c; // file names are bytes: passed through unchanged
            }
        }
    }
    out += '"';
}

void appendObject(std::string& out, const std::map<std::string, std::string>& map, const char* indent) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : map) {
        out += first ? "\n" : ",\n";
        first = false;
        out += indent;
        out += "  ";
        appendJsonString(out, key);
        out += ": ";
        appendJsonString(out, value);
    }
    if (!first) {
        out += '\n';
        out += indent;
    }
    out += '}';
}

/// Recursive-descent reader for objects, arrays, strings and scalars; strings are the only values kept.
class JsonReader {
  public:
    explicit JsonReader(std::string_view text) : text_(text) {}

    char peek() {
        skipSpace();
        if (pos_ >= text_.size()) fail("unexpected end");
        return text_[pos_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    bool consume(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    void expectEnd() {
        skipSpace();
        if (pos_ != text_.size()) fail("trailing data");
    }

    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) fail("unterminated escape");
            const char e = text_[pos_++];
            switch (e) {
            case '"':
            case '\\':
            case '/': out += e; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (pos_ + 4 > text_.size()) fail("bad \\u escape");
                const unsigned long code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
                pos_ += 4;
                if (code >= 0x80) fail("non-ASCII \\u escape"); // never written by buildStampToJson
                out += static_cast<char>(code);
                break;
            }
            default: fail("bad escape");
            }
        }
    }

    /// {"key": "value", ...}; non-string values are skipped.
    std::map<std::string, std::string> stringMap() {
        std::map<std::string, std::string> out;
        objectMembers([&](const std::string& key) {
            if (peek() == '"')
                out[key] = string();
            else
                skipValue();
        });
        return out;
    }

    template <class F> void objectMembers(F onMember) {
        expect('{');
        if (consume('}')) return;
        do {
            const std::string key = string();
            expect(':');
            onMember(key);
        } while (consume(','));
        expect('}');
    }

    void skipValue() {
        const char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{') {
            objectMembers([&](const std::string&) { skipValue(); });
        } else if (c == '[') {
            ++pos_;
            if (consume(']')) return;
            do skipValue();
            while (consume(','));
            expect(']');
        } else {
            const size_t start = pos_;
            while (pos_ < text_.size() &&
                   std::string_view("+-.0123456789eEtrufalsn").find(text_[pos_]) != std::string_view::npos)
                ++pos_;
            if (pos_ == start) fail("unexpected character");
        }
    }

  private:
    void skipSpace() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' || text_[pos_] == '\r'))
            ++pos_;
    }
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error("malformed build stamp at offset " + std::to_string(pos_) + ": " + what);
    }

    std::string_view text_;
    size_t pos_ = 0;
};

} // namespace

bool isSafeRelativePath(std::string_view path) {
    if (path.empty() || path.front() == '/') return false;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos)
            return false;
        start = end + 1;
    }
    return true;
}

std::string buildStampToJson(const BuildStamp& stamp) {
    std::string out = "{\n  \"format\": 1,\n  \"options\": ";
    appendObject(out, stamp.options, "  ");
    out += ",\n  \"outputs\": ";
    appendObject(out, stamp.outputs, "  ");
    out += "\n}\n";
    return out;
}

BuildStamp buildStampFromJson(std::string_view json) {
    BuildStamp stamp;
    JsonReader reader(json);
    reader.objectMembers([&](const std::string& key) {
        if (key == "options") {
            stamp.options = reader.stringMap();
        } else if (key == "outputs") {
            for (auto& [path, kind] : reader.stringMap())
                if (isSafeRelativePath(path)) stamp.outputs.emplace(path, kind);
        } else {
            reader.skipValue();
        }
    });
    reader.expectEnd();
    return stamp;
}

BuildStamp readBuildStamp(const std::filesystem::path& outDir) {
    try {
        return buildStampFromJson(common::readFile(outDir / BuildStamp::kFileName, 64u << 20));
    } catch (const std::exception&) {
        return {}; // no usable record: everything is rebuilt, nothing is pruned
    }
}

void writeBuildStamp(const std::filesystem::path& outDir, const BuildStamp& stamp) {
    const std::string json = buildStampToJson(stamp);
    common::writeFileAtomically(outDir / BuildStamp::kFileName,
                                {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
}

} // namespace mpyseal::cli
