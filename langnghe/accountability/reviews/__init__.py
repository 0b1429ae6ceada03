"""Self-criticism reviews (kiểm điểm), review suggestions and quality grading (QĐ 366-QĐ/TW)."""
