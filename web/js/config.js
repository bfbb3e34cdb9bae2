// Front-end defaults.
export const DEFAULT_PROVINCE = '33';   // Jawa Tengah
export const DEFAULT_REGENCY = '3327';  // Kabupaten Pemalang (the demo regency)
