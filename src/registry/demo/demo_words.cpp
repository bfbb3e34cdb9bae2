// The non-name word lists declared in demo_names.h: occupations, dusun and street names, cities.
#include "registry/demo/demo_names.h"

namespace ektp::registry::demo {

namespace {

// Shares loosely follow BPS labour-force figures for rural Central Java.
constexpr WeightedWord kMaleOccupations[] = {
    {"PETANI/PEKEBUN", 21}, {"WIRASWASTA", 17}, {"BURUH HARIAN LEPAS", 13},
    {"KARYAWAN SWASTA", 14}, {"PEDAGANG", 7}, {"NELAYAN/PERIKANAN", 3},
    {"BURUH TANI/PERKEBUNAN", 5},
    {"SOPIR", 3}, {"TUKANG BATU", 2}, {"TUKANG KAYU", 1}, {"PEGAWAI NEGERI SIPIL (PNS)", 2.5},
    {"GURU", 1.5}, {"PERANGKAT DESA", 1}, {"TENTARA NASIONAL INDONESIA (TNI)", 0.5},
    {"KEPOLISIAN RI (POLRI)", 0.5}, {"KARYAWAN BUMN", 0.5}, {"PERDAGANGAN", 1},
    {"BELUM/TIDAK BEKERJA", 5}, {"TRANSPORTASI", 1}, {"MEKANIK", 1}, {"DOKTER", 0.1},
    {"USTADZ/MUBALIGH", 0.4}};
constexpr WeightedWord kFemaleOccupations[] = {
    {"MENGURUS RUMAH TANGGA", 38}, {"WIRASWASTA", 11}, {"PEDAGANG", 10}, {"PETANI/PEKEBUN", 8},
    {"KARYAWAN SWASTA", 11}, {"BURUH HARIAN LEPAS", 5}, {"BURUH TANI/PERKEBUNAN", 3},
    {"GURU", 3}, {"PEGAWAI NEGERI SIPIL (PNS)", 2}, {"PERAWAT", 0.8}, {"BIDAN", 0.7},
    {"PENJAHIT", 1}, {"BELUM/TIDAK BEKERJA", 5}, {"PERANGKAT DESA", 0.4}, {"DOKTER", 0.1},
    {"KARYAWAN HONORER", 1}};
constexpr WeightedWord kMaleElderOccupations[] = {
    {"PETANI/PEKEBUN", 35}, {"BELUM/TIDAK BEKERJA", 30}, {"PENSIUNAN", 12}, {"WIRASWASTA", 10},
    {"PEDAGANG", 5}, {"BURUH HARIAN LEPAS", 5}, {"BURUH TANI/PERKEBUNAN", 3}};
constexpr WeightedWord kFemaleElderOccupations[] = {
    {"MENGURUS RUMAH TANGGA", 45}, {"BELUM/TIDAK BEKERJA", 25}, {"PETANI/PEKEBUN", 15},
    {"PEDAGANG", 8}, {"PENSIUNAN", 5}, {"WIRASWASTA", 2}};

constexpr std::string_view kDusunNames[] = {
    "KRAJAN", "SIDOMULYO", "SIDOREJO", "KARANGANYAR", "KARANGSARI", "SUKAMAJU", "SUKAREJA",
    "TEGALSARI", "KEBONSARI", "PURWOREJO", "MEKARSARI", "SUMBERSARI", "WONOSARI", "WONOREJO",
    "KALIBENING", "KALIWUNGU", "KEDUNGWUNI", "GUNUNGSARI", "PESANTREN", "PANDANSARI", "JATIREJO",
    "SIDAMUKTI", "MULYOREJO", "SINDANGSARI", "CIKADU", "BOJONGSARI", "KARANGMALANG", "BANJARSARI",
    "NGABEAN", "CANDIREJO", "PAGERSARI", "KEMBANGSARI", "TANJUNGSARI", "LEMAHABANG", "SEKARPUTIH",
    "DUKUHSARI", "WATUGUDE", "SUMURBANDUNG", "KALIPUCANG", "GINTUNG"};

constexpr std::string_view kStreetNames[] = {
    "MERDEKA", "DIPONEGORO", "SUDIRMAN", "AHMAD YANI", "GATOT SUBROTO", "KARTINI", "PEMUDA",
    "PAHLAWAN", "SISINGAMANGARAJA", "GAJAH MADA", "HAYAM WURUK", "SULTAN AGUNG", "IMAM BONJOL",
    "PANGERAN ANTASARI", "SURAPATI", "SLAMET RIYADI", "MELATI", "MAWAR", "KENANGA", "ANGGREK",
    "FLAMBOYAN", "CEMPAKA", "PERINTIS KEMERDEKAAN", "RAYA", "PANTURA", "PASAR", "MASJID",
    "SEKOLAH", "KAUMAN", "PESANTREN", "SAWAH", "KALI", "SIMPANG LIMA", "TAMAN", "KEMUNING"};

constexpr std::string_view kBigCities[] = {"JAKARTA", "SEMARANG", "SURABAYA", "BANDUNG",
                                           "YOGYAKARTA", "TANGERANG", "BEKASI", "SURAKARTA"};

}  // namespace

std::span<const WeightedWord> adult_occupations(Sex sex) {
  if (sex == Sex::kMale) return kMaleOccupations;
  return kFemaleOccupations;
}

std::span<const WeightedWord> elder_occupations(Sex sex) {
  if (sex == Sex::kMale) return kMaleElderOccupations;
  return kFemaleElderOccupations;
}

std::span<const std::string_view> dusun_names() { return kDusunNames; }
std::span<const std::string_view> street_names() { return kStreetNames; }
std::span<const std::string_view> big_cities() { return kBigCities; }

}  // namespace ektp::registry::demo
