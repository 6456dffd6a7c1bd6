"""Part-time teacher appointments (兼职教师) under the school's cap (十三)."""
