#include "api/service_standards.h"

#include <boost/json.hpp>

namespace ektp::api {

namespace {

boost::json::object service(const char* id, const char* name, std::initializer_list<const char*> requirements,
                            std::initializer_list<const char*> steps, const char* time) {
  boost::json::array req, st;
  for (const char* r : requirements) req.push_back(boost::json::string(r));
  for (const char* s : steps) st.push_back(boost::json::string(s));
  return {{"id", id}, {"name", name}, {"requirements", req}, {"steps", st}, {"time", time}, {"cost", "Rp 0"}};
}

}  // namespace

boost::json::object service_standards_json() {
  boost::json::array services{
      service("perekaman-ktp-el", "Perekaman KTP-el",
              {"Berumur 17 tahun atau sudah/pernah kawin", "Fotokopi Kartu Keluarga (KK)"},
              {"Datang ke kantor kecamatan atau Disdukcapil dengan membawa KK",
               "Petugas mencocokkan biodata dengan KK",
               "Pengambilan foto, tanda tangan, sepuluh sidik jari dan iris mata",
               "Menerima tanda bukti perekaman dan perkiraan tanggal KTP-el siap"},
              "Perekaman 15 menit; pencetakan paling lama 14 hari setelah data lolos pemeriksaan sidik jari"),
      service("akta-kelahiran", "Pencatatan Kelahiran dan Akta Kelahiran",
              {"Surat keterangan lahir dari dokter, bidan atau kepala desa/lurah",
               "Kartu Keluarga orang tua", "KTP-el orang tua", "Buku nikah/akta perkawinan orang tua (bila ada)"},
              {"Isi formulir pelaporan kelahiran", "Petugas memeriksa dokumen dan mencatat kelahiran",
               "Anak menerima NIK dan dicantumkan dalam KK", "Akta kelahiran dan KK baru diserahkan"},
              "1 hari kerja"),
      service("kartu-keluarga", "Penerbitan Kartu Keluarga (baru, perubahan, pisah KK)",
              {"KK lama (untuk perubahan atau pisah KK)", "Buku nikah/akta perkawinan untuk keluarga baru",
               "Surat keterangan pindah bila datang dari daerah lain"},
              {"Isi formulir biodata keluarga", "Petugas memeriksa dan mencatat perubahan",
               "KK baru dicetak dan ditandatangani secara elektronik"},
              "1 hari kerja"),
      service("pindah-datang", "Surat Keterangan Pindah dan Pindah Datang",
              {"KK", "KTP-el", "Alamat tujuan lengkap (RT/RW, desa/kelurahan)"},
              {"Ajukan permohonan pindah di daerah asal", "Terima surat keterangan pindah",
               "Laporkan kedatangan di daerah tujuan; NIK tetap sama seumur hidup", "Terima KK di alamat baru"},
              "1 hari kerja di daerah asal dan 1 hari kerja di daerah tujuan"),
      service("kematian", "Pencatatan Kematian dan Akta Kematian",
              {"Surat keterangan kematian dari dokter, rumah sakit atau kepala desa/lurah", "KK almarhum/almarhumah",
               "KTP-el pelapor"},
              {"Laporkan kematian paling lambat 30 hari", "Petugas mencatat kematian",
               "Status perkawinan pasangan diperbarui dan KK diterbitkan ulang", "Akta kematian diserahkan"},
              "1 hari kerja"),
      service("pembetulan-biodata", "Pembetulan Biodata",
              {"Dokumen yang membuktikan data yang benar (ijazah, akta, surat nikah)", "KK dan KTP-el"},
              {"Ajukan permohonan pembetulan kepada petugas", "Supervisor memeriksa dan menyetujui atau menolak",
               "Data diperbarui; KK/KTP-el dicetak ulang bila perlu"},
              "3 hari kerja"),
  };
  boost::json::object complaint{
      {"name", "Pengaduan layanan"},
      {"channels", boost::json::array{"Loket pengaduan di kantor Disdukcapil dan kecamatan",
                                      "SP4N-LAPOR! (lapor.go.id)", "Formulir pengaduan di halaman ini (segera)"}},
      {"response_time", "Setiap pengaduan mendapat nomor pelacakan dan ditanggapi paling lama 5 hari kerja"}};
  return {{"law", "UU 25/2009 tentang Pelayanan Publik"}, {"services", services}, {"complaint", complaint}};
}

}  // namespace ektp::api
