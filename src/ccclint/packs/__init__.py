"""Rule packs: YAML data a lawyer can read, validated with file:line errors, compiled once."""
