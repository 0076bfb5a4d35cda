#!/bin/bash
# Compiles packaging/linux/netwright-mime.xml into a private MIME database, as the package's
# trigger does in /usr/share/mime, and checks that *.nwproj maps to our type with our icon.
set -euo pipefail
update_mime_database="$1" source="$2"
db="$(mktemp -d)"
trap 'rm -rf "$db"' EXIT
mkdir -p "$db/packages"
cp "$source" "$db/packages/netwright.xml"
"$update_mime_database" "$db" >/dev/null 2>&1  # it warns that $db is not on XDG_DATA_DIRS
grep -qx '50:application/x-netwright-project:\*\.nwproj' "$db/globs2" || {
  echo "globs2 does not map *.nwproj to application/x-netwright-project:"; cat "$db/globs2"; exit 1; }
grep -qx 'application/x-netwright-project:application-x-netwright-project' "$db/icons" || {
  echo "no icon for application/x-netwright-project"; exit 1; }
grep -qx 'application/x-netwright-project application/json' "$db/subclasses" || {
  echo "application/x-netwright-project is not a subclass of application/json"; exit 1; }
echo "*.nwproj -> application/x-netwright-project (icon application-x-netwright-project, a JSON file)"
