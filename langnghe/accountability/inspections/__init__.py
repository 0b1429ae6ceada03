"""Party inspection and supervision (kiểm tra, giám sát — QĐ 296-QĐ/TW)."""
