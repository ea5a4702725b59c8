// libFuzzer target for the mock server's HTTP request parser. The first input byte picks how the
// rest is split into chunks, so the incremental paths (partial heads, partial bodies, pipelining)
// are exercised as well as whole-buffer parsing. Invariants are checked with __builtin_trap().
#include "core/live/httprequestparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    ++data;
    --size;

    rwb::HttpRequestParser::Limits limits;
    limits.maxRequestLineBytes = 512;
    limits.maxHeaderBytes = 2048;
    limits.maxHeaderCount = 16;
    limits.maxBodyBytes = 4096;
    limits.maxBufferedBytes = 8192;
    rwb::HttpRequestParser parser(limits);

    for (std::size_t pos = 0; pos < size; pos += chunk) {
        const std::size_t n = size - pos < chunk ? size - pos : chunk;
        parser.feed(QByteArrayView(reinterpret_cast<const char*>(data + pos), static_cast<qsizetype>(n)));
        while (parser.state() == rwb::HttpRequestParser::State::Ready) {
            const rwb::HttpRequest request = parser.takeRequest();
            if (request.method.isEmpty() || request.target.isEmpty() || request.body.size() > limits.maxBodyBytes)
                __builtin_trap();
        }
        if (parser.bufferedBytes() > limits.maxBufferedBytes)
            __builtin_trap();
        if (parser.failed()) {
            const int status = parser.error().status;
            if (status < 400 || status > 505 || parser.error().message.isEmpty())
                __builtin_trap();
        }
    }
    return 0;
}
