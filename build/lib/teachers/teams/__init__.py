"""Teacher teaching innovation teams (教师教学创新团队) and overseas study (到国境外进修学习)."""
