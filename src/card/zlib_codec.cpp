#include "card/zlib_codec.h"

#include <zlib.h>

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <string>

#include "core/assert.h"

namespace ektp::card {
namespace {

// Counts what zlib allocates, so a caller (and the tests) can see that inflate stays bounded.
struct AllocationCount {
  std::size_t bytes_now = 0;
  std::size_t bytes_peak = 0;
};

voidpf counted_alloc(voidpf opaque, uInt items, uInt size) {
  auto* count = static_cast<AllocationCount*>(opaque);
  const std::size_t bytes = static_cast<std::size_t>(items) * size;
  // A size prefix lets counted_free know what it gives back; max_align_t keeps zlib's alignment.
  auto* block = static_cast<unsigned char*>(std::malloc(bytes + sizeof(std::max_align_t)));
  if (block == nullptr) return Z_NULL;
  *reinterpret_cast<std::size_t*>(block) = bytes;
  count->bytes_now += bytes;
  if (count->bytes_now > count->bytes_peak) count->bytes_peak = count->bytes_now;
  return block + sizeof(std::max_align_t);
}

void counted_free(voidpf opaque, voidpf address) {
  if (address == Z_NULL) return;
  auto* count = static_cast<AllocationCount*>(opaque);
  auto* block = static_cast<unsigned char*>(address) - sizeof(std::max_align_t);
  count->bytes_now -= *reinterpret_cast<std::size_t*>(block);
  std::free(block);
}

std::unexpected<Error> zlib_refusal(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, "zlib", "zlib: " + std::move(message));
}

}  // namespace

std::vector<std::uint8_t> zlib_compress(std::span<const std::uint8_t> bytes) {
  EKTP_ASSERT(bytes.size() <= std::numeric_limits<uLong>::max() / 2);
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<std::uint8_t> out(size);
  const int rc = compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()),
                           Z_BEST_COMPRESSION);
  EKTP_ASSERT(rc == Z_OK);  // compressBound is always enough; anything else is a zlib bug
  out.resize(size);
  return out;
}

Result<std::vector<std::uint8_t>> zlib_inflate_bounded(std::span<const std::uint8_t> bytes,
                                                       std::size_t output_bytes_max,
                                                       InflateMemory* memory) {
  EKTP_ASSERT(output_bytes_max < std::numeric_limits<uInt>::max());
  // The RFC 1950 header: CM 8 (deflate), a window of at most 32 KiB, and a check that makes the
  // first two bytes a multiple of 31. Named before inflate so the reason says which it is.
  if (bytes.size() < 2)
    return zlib_refusal("truncated: " + std::to_string(bytes.size()) + " bytes");
  if ((bytes[0] & 0x0F) != 8 || (bytes[0] >> 4) > 7 || (bytes[0] * 256u + bytes[1]) % 31 != 0) {
    return zlib_refusal("byte 1 is not a zlib header (only zlib is read, not Brotli)");
  }
  if ((bytes[1] & 0x20) != 0)
    return zlib_refusal("byte 2 asks for a preset dictionary, which is not used");
  if (bytes.size() > std::numeric_limits<uInt>::max()) return zlib_refusal("input too large");

  AllocationCount count;
  z_stream stream{};
  stream.zalloc = counted_alloc;
  stream.zfree = counted_free;
  stream.opaque = &count;
  if (inflateInit(&stream) != Z_OK) {
    return refusal(ErrorCode::kInternal, "zlib", "zlib: inflateInit failed");
  }
  // One buffer of the cap plus one byte: a stream that fills the extra byte is past the cap.
  std::vector<std::uint8_t> out(output_bytes_max + 1);
  stream.next_in = const_cast<Bytef*>(bytes.data());  // zlib's API is not const-correct
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  const std::size_t produced = out.size() - stream.avail_out;
  const std::size_t consumed = bytes.size() - stream.avail_in;
  const char* zlib_message = stream.msg;
  const std::string detail = zlib_message != nullptr ? zlib_message : "";
  inflateEnd(&stream);
  if (memory != nullptr) memory->bytes_peak = count.bytes_peak + out.capacity();

  if (produced > output_bytes_max) {
    return zlib_refusal("inflates past " + std::to_string(output_bytes_max) + " bytes");
  }
  if (rc == Z_DATA_ERROR) {
    return zlib_refusal("corrupt stream near input byte " + std::to_string(consumed + 1) +
                        (detail.empty() ? "" : " (" + detail + ")"));
  }
  if (rc == Z_MEM_ERROR) return refusal(ErrorCode::kInternal, "zlib", "zlib: out of memory");
  if (rc != Z_STREAM_END) {
    return zlib_refusal("truncated: the stream ends after " + std::to_string(bytes.size()) +
                        " bytes without its final block and checksum");
  }
  if (consumed != bytes.size()) {
    return zlib_refusal(std::to_string(bytes.size() - consumed) + " bytes after the stream's end");
  }
  out.resize(produced);
  return out;
}

}  // namespace ektp::card
