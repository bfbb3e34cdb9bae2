#include "registry/demo/demo_names.h"

#include <array>

namespace ektp::registry::demo {

namespace {

using W = std::string_view;

// Javanese: one or two words, often Sanskrit-derived.
constexpr W kJavaneseMale[] = {
    "BUDI", "AGUS", "SUTRISNO", "SLAMET", "BAMBANG", "JOKO", "HADI", "TEGUH", "PRIYO", "SUGENG",
    "WAHYU", "EKO", "DWI", "TRI", "ADI", "ARIS", "BAGUS", "BAYU", "DANANG", "DIDIK", "EDI",
    "GUNAWAN", "HARYANTO", "HERU", "IWAN", "JUMADI", "KASMIN", "KUSNADI", "LILIK", "MARDI",
    "MULYONO", "NARTO", "PAIMAN", "PARJO", "PURNOMO", "RAHMAT", "RUDI", "SAPTO", "SARWONO",
    "SETYO", "SISWANTO", "SUBAGYO", "SUDARNO", "SUGIYONO", "SUHARTO", "SUKIMAN", "SUMARNO",
    "SUPARMAN", "SUPRIYADI", "SURADI", "SUROTO", "SUWARNO", "TARNO", "TOTOK", "WARNO", "WIDODO",
    "YANTO", "YUDI", "ANDI", "ARIF", "DIMAS", "FAJAR", "GILANG", "GALIH", "RANGGA", "SATRIO",
    "WISNU", "ARJUNA", "BIMA", "YOGA", "ANGGA", "DONI", "HENDRO", "IRFAN", "KARNO", "LUKMAN",
    "NUGROHO", "PRASETYO", "RIYANTO", "SUSILO", "TUGIMAN", "WALUYO", "DARMAJI", "KARSONO"};
constexpr W kJavaneseFemale[] = {
    "SRI", "SITI", "ENDANG", "SUMIATI", "SUPARTI", "SUKINAH", "TUMINAH", "WARSINI", "SUGIYEM",
    "PAINEM", "SARMI", "KASTINAH", "RUSMINI", "DARSIH", "KARSIH", "TARSIH", "WARYATI", "SUNARTI",
    "SUMARNI", "SULASTRI", "SUMINAH", "SURATMI", "TITIK", "TUTIK", "YATMI", "ANI", "ATIK", "DEWI",
    "DWI", "EKA", "ENY", "ERNI", "ESTI", "HARTINI", "INDAH", "ISTI", "KARTIKA", "KUSUMA",
    "LESTARI", "MARYATI", "MULYANI", "NINGSIH", "NUNUNG", "PUJI", "PURWANTI", "RATNA", "RETNO",
    "RINI", "RIRIN", "SETYANINGSIH", "SRIYATUN", "SUNDARI", "TRI", "UTAMI", "WAHYUNI", "WIDYA",
    "WINARSIH", "YULI", "YUNI", "ANGGI", "AYU", "DIAN", "FITRI", "INTAN", "MAYA", "NOVI", "PUTRI",
    "RATIH", "SEKAR", "WULAN", "LARAS", "DYAH", "ENDAH", "KINANTI", "PRATIWI", "ROSITA", "SARI"};
constexpr W kJavaneseSecondMale[] = {
    "SANTOSO", "WIBOWO", "SETIAWAN", "PRASETYO", "NUGROHO", "SAPUTRA", "KURNIAWAN", "HIDAYAT",
    "WIJAYANTO", "PURNOMO", "SUSANTO", "HARYADI", "RAHARJO", "SUTRISNO", "WALUYO", "SURYANTO",
    "PAMUNGKAS", "PRATAMA", "ADITYA", "WICAKSONO", "HERMAWAN", "SUSILO", "UTOMO", "WIDODO"};
constexpr W kJavaneseSecondFemale[] = {
    "LESTARI", "WAHYUNI", "RAHAYU", "SUSANTI", "HANDAYANI", "WULANDARI", "PERTIWI", "ASTUTI",
    "WIDAYATI", "PURWANINGSIH", "KURNIASIH", "MARYANI", "SETYOWATI", "RAHMAWATI", "UTAMI",
    "PRATIWI", "SAFITRI", "ANGGRAENI", "NURAINI", "KUSUMAWATI", "PUSPITASARI", "SRIYANI"};

// Sundanese.
constexpr W kSundaneseMale[] = {
    "ASEP", "DEDE", "UJANG", "CECEP", "DADANG", "ENDANG", "UDIN", "JAJANG", "ENTIS", "OMAN",
    "YAYAN", "AAN", "DEDI", "IWAN", "ADE", "ENCEP", "DODI", "AGUS", "KOMAR", "NANANG", "ROHMAT",
    "SOLEH", "WAWAN", "YUSUF", "EMAN", "ACENG", "DENI", "HENDRA", "RIDWAN", "TATANG"};
constexpr W kSundaneseFemale[] = {
    "NENG", "EUIS", "IMAS", "ENOK", "TETI", "NENI", "YAYAH", "EEN", "ELIS", "IIS", "LILIS",
    "NENENG", "NINING", "OOM", "ROHAYATI", "TINI", "YATI", "YULIANI", "DEDEH", "CUCU", "ENIH",
    "ICIH", "KOKOM", "ANISA", "RIKA", "SANTI", "WIDIA", "NURLELA", "ELA", "ENDAH"};
constexpr W kSundaneseSecondMale[] = {
    "SUNANDAR", "SURYANA", "SUPRIATNA", "HERMAWAN", "KUSNADI", "RUSTANDI", "SOBANDI", "HIDAYAT",
    "SUHENDAR", "SETIADI", "MULYANA", "SAEPUDIN", "SUTISNA", "KURNIA", "SUKMANA", "RUHIYAT"};
constexpr W kSundaneseSecondFemale[] = {
    "NURHAYATI", "KOMALASARI", "SUHERTI", "JUBAEDAH", "ROSMIATI", "NURJANAH", "SUMIATI",
    "HERLINA", "KURNIASIH", "SUKAESIH", "MARLINA", "NURAENI", "RUKMINI", "SARIPAH"};

// Muslim names from Arabic, common across Indonesia.
constexpr W kMuslimMale[] = {
    "AHMAD", "MUHAMMAD", "ABDUL", "RIZKI", "FAUZI", "HASAN", "HUSEIN", "IBRAHIM", "ISMAIL",
    "KHOIRUL", "MAHMUD", "MUSTOFA", "NUR", "RAHMAN", "SAIFUL", "SYAMSUL", "ZAINAL", "ALI",
    "AMIN", "ANWAR", "ARIFIN", "BURHAN", "FAHMI", "FAISAL", "FIKRI", "HAMZAH", "HANAFI", "HARIS",
    "IMAM", "JAMAL", "KHALID", "LUTFI", "MA'RUF", "MASRUR", "MUHLISIN", "NAJIB", "NASRUDIN",
    "QOMARUDIN", "RASYID", "RIDHO", "SALMAN", "SHOLEH", "SOBIRIN", "SYAIFUDIN", "UMAR", "USMAN",
    "WAHID", "YAHYA", "ZAKARIA", "ZULKIFLI", "ALFIAN", "ARDIANSYAH", "DZAKY", "FARHAN", "HAIKAL",
    "IRSYAD", "NAUFAL", "RAFI", "RAIHAN", "ZIDAN", "AZKA"};
constexpr W kMuslimFemale[] = {
    "SITI", "NUR", "AISYAH", "FATIMAH", "KHADIJAH", "ZAINAB", "AMINAH", "HALIMAH", "MARYAM",
    "ROHMAH", "SALAMAH", "UMI", "ZULAIKHA", "AFIFAH", "ANISAH", "AZIZAH", "FAIZAH", "HANIFAH",
    "HIDAYAH", "ISTIQOMAH", "KHOIRIYAH", "LAILA", "MASRUROH", "MUSLIMAH", "NAFISAH", "NURUL",
    "QONITA", "RAHMAH", "ROFIQOH", "SAFIRA", "SALSABILA", "SHOLIHAH", "SYIFA", "UMMI", "WARDAH",
    "YASMIN", "ZAHRA", "ZAKIYAH", "ALYA", "ANNISA", "AULIA", "FAHIRA", "HANUM", "INAYAH",
    "KAMILA", "LATIFAH", "MUNAWAROH", "NABILA", "NAJWA", "RAHMAWATI", "ROSIDAH", "SA'ADAH",
    "TSABITA", "ULFA", "ZAHWA", "KHAIRUNNISA", "MUTHIA", "NADIA", "RAISA", "ZULFA"};
constexpr W kMuslimSecondMale[] = {
    "HIDAYAT", "RAHMAN", "HAKIM", "MUBAROK", "FAUZAN", "SYAHPUTRA", "RAMADHAN", "FIRDAUS",
    "MAULANA", "ALFARIZI", "HABIBI", "NURHADI", "ZULFIKAR", "ARROSYID", "ASSIDIQI", "HIDAYATULLAH"};
constexpr W kMuslimSecondFemale[] = {
    "NURHASANAH", "KHASANAH", "MAULIDA", "RAMADHANI", "FITRIANI", "HASANAH", "MUTMAINAH",
    "NURJANAH", "AZZAHRA", "SAFITRI", "ROHMAWATI", "MARFUAH", "FAUZIAH", "MUFIDAH"};

// Christian (Batak, Manado, Ambon, Flores and Javanese Christians) with family names.
constexpr W kChristianMale[] = {
    "YOHANES", "PETRUS", "PAULUS", "MARKUS", "LUKAS", "MATIUS", "ANDREAS", "YAKOBUS", "STEFANUS",
    "FRANSISKUS", "ANTONIUS", "YOSEF", "DANIEL", "DAVID", "SAMUEL", "GABRIEL", "MIKAEL",
    "ALBERTUS", "BENEDIKTUS", "KRISTIAN", "EMANUEL", "TIMOTIUS", "FILIPUS", "THOMAS", "YOSUA",
    "ELIAS", "HENDRIK", "ROBERT", "RICHARD", "JONATHAN", "MARTINUS", "AGUSTINUS", "IGNASIUS",
    "LEONARDUS", "VINSENSIUS", "DOMINIKUS", "RAYMOND", "FREDY", "HERMAN", "SAMUEL"};
constexpr W kChristianFemale[] = {
    "MARIA", "MARTA", "ELISABET", "KRISTINA", "MAGDALENA", "VERONIKA", "AGNES", "CECILIA",
    "THERESIA", "ANASTASIA", "KATARINA", "YOHANA", "RUTH", "ESTER", "DEBORA", "HANA", "SARA",
    "REBEKA", "LIDIA", "YUNITA", "MONIKA", "REGINA", "SISILIA", "FRANSISKA", "BERNADETA",
    "PRISKILA", "GRACE", "ANGELA", "STEFANI", "MARGARETA", "ROSALINA", "YUSTINA", "OKTAVIA",
    "NATALIA", "FLORA", "HELENA", "IRENE", "LUSIA", "PAULINA", "RENATA"};
constexpr W kChristianFamily[] = {
    "SIMANJUNTAK", "SIREGAR", "NAINGGOLAN", "HUTAGALUNG", "SITUMORANG", "PANJAITAN", "SIAGIAN",
    "SIHOMBING", "SINAGA", "PASARIBU", "SIMATUPANG", "MANURUNG", "TAMBUNAN", "SIMBOLON",
    "HUTAPEA", "LUMBAN GAOL", "WAROUW", "LUMENTUT", "MANDAGI", "PANGEMANAN", "RUMAMBI",
    "SUMAMPOUW", "TUMBELAKA", "PATTIASINA", "LATUMAHINA", "SAHETAPY", "TUHUMURY", "PARERA",
    "DA COSTA", "FERNANDEZ", "DE ROZARI", "LAKE", "SUTANTO", "NUGRAHA", "KRISTANTO"};

// Balinese: birth-order name, then a given name.
constexpr W kBalineseOrder[] = {"WAYAN", "MADE", "NYOMAN", "KETUT", "PUTU", "KADEK", "KOMANG",
                                "GEDE"};
constexpr W kBalineseMale[] = {
    "SUDARSANA", "ARTAWAN", "SUARDANA", "WIRAWAN", "SUDIARTA", "MERTA", "SUKADANA", "ADNYANA",
    "SUPARTA", "DARMAWAN", "SUASTIKA", "ARDANA", "WIDIADA", "SUDIRA", "PARWATA", "ASTAWA",
    "MAHENDRA", "SANJAYA", "PRADNYANA", "SUTAMA", "DARMA", "SUARJANA", "BUDIASA", "KARIASA"};
constexpr W kBalineseFemale[] = {
    "SRIASIH", "SUARNI", "ARIANI", "SUARTINI", "WIDIASTUTI", "SUKERTI", "MURNIATI", "SUWENDRI",
    "SUDIANI", "PURNAMI", "ASTITI", "SUARTIKA", "DEWI ANGGRENI", "ARTINI", "SUPARMI", "KARTINI",
    "MARTINI", "SRIANI", "RATNADI", "WIRATNI", "ADNYANI", "SURYANI", "PUSPAYANTI", "MAHARANI"};

// Chinese-Indonesian: Indonesian or Western given names with an Indonesianised family name.
constexpr W kChineseMale[] = {
    "HENDRA", "WILLIAM", "KEVIN", "STEVEN", "JOHAN", "HARTONO", "BUDIMAN", "GUNAWAN", "SUTANTO",
    "FELIX", "VINCENT", "JIMMY", "JOHNNY", "ANTON", "ERIC", "FERRY", "HANS", "IVAN", "KELVIN",
    "LEONARD", "RONNY", "SANDY", "TEDDY", "WILLY", "YOHAN", "ALVIN", "DARWIN", "EDWIN",
    "FRANKY", "HENRY"};
constexpr W kChineseFemale[] = {
    "LINDA", "MELIANA", "SUSANTI", "LILY", "JENNY", "MEILANI", "VIVIAN", "CINDY", "CHRISTINE",
    "DEBBY", "ELLEN", "FELICIA", "GLORIA", "IRENE", "JESSICA", "KAREN", "LIANA", "MONICA",
    "NATALIE", "OLIVIA", "PRISCILLA", "SHERLY", "TIFFANY", "VALENCIA", "WENDY", "YENNY",
    "LIES", "MEI LING", "SIU LAN", "LIAN"};
constexpr W kChineseFamily[] = {
    "WIJAYA", "GUNAWAN", "HALIM", "SALIM", "TANUWIJAYA", "KUSUMA", "SUSANTO", "HARTONO",
    "LIMANTO", "TANOTO", "SUTANTO", "HALIMAN", "SETIADI", "WIDJAJA", "TJANDRA", "LIEM", "TAN",
    "GO", "THE", "OEI", "LIMAN", "SANTOSO", "KURNIAWAN", "TEDJA", "HADINATA"};

// Foreign residents (WNA).
constexpr W kForeignMale[] = {"JOHN", "MICHAEL", "TAKESHI", "KENJI", "MIN JUN", "WEI", "AHMED",
                              "PIETER", "LUCAS", "RAJESH", "JAMES", "HIROSHI"};
constexpr W kForeignFemale[] = {"ANNA", "SARAH", "YUKI", "AKIKO", "JI YEON", "MEI", "FATIMA",
                                "EMMA", "PRIYA", "SOFIA", "HANNAH", "NAOMI"};
constexpr W kForeignFamily[] = {"SMITH", "YAMADA", "TANAKA", "KIM", "PARK", "ZHANG", "LI",
                                "DE VRIES", "MUELLER", "SHARMA", "BROWN", "SATO", "NGUYEN"};

constexpr W kNoWords[] = {""};

constexpr W kJavaOrigins[] = {"SEMARANG", "TEGAL", "PEKALONGAN", "SOLO", "YOGYAKARTA", "JAKARTA"};
constexpr W kSundaOrigins[] = {"BANDUNG", "GARUT", "TASIKMALAYA", "CIREBON", "BOGOR", "SUMEDANG"};
constexpr W kChristianOrigins[] = {"MEDAN", "TARUTUNG", "MANADO", "AMBON", "KUPANG", "SEMARANG"};
constexpr W kBaliOrigins[] = {"DENPASAR", "TABANAN", "GIANYAR", "BULELENG", "KLUNGKUNG"};
constexpr W kChineseOrigins[] = {"JAKARTA", "SEMARANG", "SURABAYA", "MEDAN", "PONTIANAK"};
constexpr W kForeignOrigins[] = {"TOKYO", "SEOUL", "AMSTERDAM", "SINGAPURA", "KUALA LUMPUR"};

const std::array<NameLists, name_culture_count> kLists = {{
    {kJavaneseMale, kJavaneseFemale, kJavaneseSecondMale, kJavaneseSecondFemale, {}, kJavaOrigins,
     0.45},
    {kSundaneseMale, kSundaneseFemale, kSundaneseSecondMale, kSundaneseSecondFemale, {},
     kSundaOrigins, 0.55},
    {kMuslimMale, kMuslimFemale, kMuslimSecondMale, kMuslimSecondFemale, {}, kJavaOrigins, 0.7},
    {kChristianMale, kChristianFemale, kJavaneseSecondMale, kJavaneseSecondFemale,
     kChristianFamily, kChristianOrigins, 0},
    {kBalineseMale, kBalineseFemale, kNoWords, kNoWords, {}, kBaliOrigins, 0},
    {kChineseMale, kChineseFemale, kNoWords, kNoWords, kChineseFamily, kChineseOrigins, 0},
    {kForeignMale, kForeignFemale, kNoWords, kNoWords, kForeignFamily, kForeignOrigins, 0},
}};

}  // namespace

const NameLists& name_lists(NameCulture culture) {
  return kLists[static_cast<std::size_t>(culture)];
}

std::string_view pick_family_name(DemoRandom& random, NameCulture culture) {
  const auto& lists = name_lists(culture);
  if (lists.family.empty()) return {};
  return random.pick(lists.family);
}

std::string make_person_name(DemoRandom& random, NameCulture culture, Sex sex,
                             std::string_view family_name, std::size_t birth_order) {
  const auto& lists = name_lists(culture);
  bool male = sex == Sex::kMale;
  std::string name;
  if (culture == NameCulture::kBalinese) {
    name = male ? "I " : "NI ";
    name += kBalineseOrder[birth_order % std::size(kBalineseOrder)];
    name += ' ';
  }
  name += random.pick(male ? lists.given_male : lists.given_female);
  if (random.chance(lists.second_name_share)) {
    std::string_view second = random.pick(male ? lists.second_male : lists.second_female);
    if (name.find(second) == std::string::npos) {
      name += ' ';
      name += second;
    }
  }
  if (!family_name.empty()) {
    name += ' ';
    name += family_name;
  }
  return name;
}

}  // namespace ektp::registry::demo
