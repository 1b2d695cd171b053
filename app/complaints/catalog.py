"""The categories every commune starts with (its admins edit them), each routed to a department."""

CATEGORIES = [
    ("roads", "الطرق والحفر", "Voirie et nids-de-poule", "Roads and potholes", "Service de la voirie"),
    ("lighting", "الإنارة العمومية", "Éclairage public", "Street lighting", "Service de l'éclairage public"),
    ("waste", "جمع النفايات", "Collecte des déchets", "Waste collection", "Service de la propreté"),
    (
        "water",
        "الماء والتطهير",
        "Eau et assainissement",
        "Water and sanitation",
        "Service de l'eau et de l'assainissement",
    ),
    ("green_spaces", "المساحات الخضراء", "Espaces verts", "Green spaces", "Service des espaces verts"),
    (
        "public_domain",
        "احتلال الملك العمومي",
        "Occupation du domaine public",
        "Public-domain occupation",
        "Service du domaine public",
    ),
    (
        "construction",
        "البناء غير المرخص",
        "Construction non autorisée",
        "Unauthorised construction",
        "Service de l'urbanisme",
    ),
    ("noise", "الضجيج", "Bruit", "Noise", "Service d'hygiène"),
    ("animals", "الحيوانات الضالة", "Animaux errants", "Stray animals", "Service d'hygiène"),
    (
        "service_quality",
        "جودة خدمة إدارية",
        "Qualité d'un service administratif",
        "Quality of an administrative service",
        "Secrétariat général",
    ),
    ("other", "أخرى", "Autre", "Other", "Bureau d'ordre"),
]
