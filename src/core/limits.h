// Limits on every input, in one place, units last. Changing one here changes it everywhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::limits {

inline constexpr std::size_t name_bytes_max = 120;         // UTF-8 bytes of a person's name
inline constexpr std::size_t place_bytes_max = 80;         // place of birth, occupation, street
inline constexpr std::size_t address_bytes_max = 200;
inline constexpr std::size_t document_ref_bytes_max = 120; // akta number or similar reference
inline constexpr std::size_t reason_bytes_max = 500;
inline constexpr std::size_t idempotency_key_bytes_max = 100;
inline constexpr std::size_t username_bytes_max = 64;
inline constexpr std::size_t password_bytes_min = 8;
inline constexpr std::size_t password_bytes_max = 256;
inline constexpr std::size_t family_members_max = 30;      // people on one family card
inline constexpr std::size_t events_per_person_max = 10'000;

inline constexpr std::size_t request_body_bytes_max = 1 << 20;     // 1 MiB JSON bodies
inline constexpr std::size_t request_header_bytes_max = 16 << 10;
inline constexpr std::uint32_t request_timeout_ms = 30'000;
inline constexpr std::uint32_t tls_handshake_timeout_ms = 10'000;
inline constexpr std::size_t connections_per_address_max = 256;  // open at once, per client address
inline constexpr std::size_t json_depth_max = 32;
inline constexpr std::size_t search_results_max = 100;
inline constexpr std::uint32_t token_lifetime_s = 8 * 3600;
inline constexpr std::uint32_t rate_limit_requests_per_s = 2'000;  // per client address
inline constexpr std::uint32_t login_attempts_per_min = 10;       // per username

// Enrollment captures (bytes as uploaded) and station sync.
inline constexpr std::size_t photo_bytes_max = 8 << 20;
inline constexpr std::size_t finger_image_bytes_max = 2 << 20;
inline constexpr std::size_t iris_image_bytes_max = 4 << 20;
inline constexpr std::size_t signature_bytes_max = 1 << 20;
inline constexpr std::size_t enrollment_body_bytes_max = 64 << 20;  // JSON with base64 images
inline constexpr std::size_t sync_batch_items_max = 64;
inline constexpr std::size_t sync_batch_bytes_max = 64 << 20;
inline constexpr std::size_t station_id_bytes_max = 40;
inline constexpr std::size_t station_operators_max = 100;
inline constexpr std::uint32_t serial_lease_size_max = 1'000;

inline constexpr std::uint32_t demo_persons_max = 5'000'000;

static_assert(password_bytes_min < password_bytes_max);
static_assert(json_depth_max >= 8, "API bodies nest a few levels");

}  // namespace ektp::limits
