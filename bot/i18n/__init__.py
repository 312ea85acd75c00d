"""Languages: gettext catalogs, formatting in the user's locale, text helpers."""
