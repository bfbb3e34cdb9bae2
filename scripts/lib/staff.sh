# Staff accounts for the test scripts, set up the way an office does it (README, "Staff accounts"):
# the bootstrap admin, a second admin the first approves, and adjudicators created by one admin and
# approved by the other. Passwords go on standard input only. Source it; needs $EKTP.

# add_two_admins DB ADMIN ADMIN_PASSWORD ADMIN2 ADMIN2_PASSWORD
add_two_admins() {
  printf '%s\n' "$3" | "$EKTP" user add --db "$1" --username "$2" --role admin --nik 3327011501800901 --password-stdin >/dev/null
  printf '%s\n' "$5" | "$EKTP" user add --db "$1" --username "$4" --role admin --nik 3327012002810902 --password-stdin >/dev/null
  printf '%s\n' "$3" | "$EKTP" user approve --db "$1" --username "$4" --approver "$2" >/dev/null
}

# add_adjudicator DB USERNAME PASSWORD NIK CREATOR CREATOR_PASSWORD APPROVER APPROVER_PASSWORD
add_adjudicator() {
  printf '%s\n%s\n' "$3" "$6" | "$EKTP" user add --db "$1" --username "$2" --role adjudicator --nik "$4" \
    --by "$5" --password-stdin >/dev/null
  printf '%s\n' "$8" | "$EKTP" user approve --db "$1" --username "$2" --approver "$7" >/dev/null
}
