"""The permit types Jamaati starts with (national admins edit them afterwards).

Deadlines follow joint order 1839.23 (2023) under law 55-19: 15 days for small projects,
30 days for large projects, subdivisions, housing groups and morcellement; one month after
the end-of-works declaration for housing permits and conformity certificates. Whether they are
working or calendar days, and the exact small/large thresholds, were not verified: they are
settings of each type, seeded here as calendar days.
"""

from __future__ import annotations


def label(ar: str, fr: str, en: str) -> dict:
    return {"ar": ar, "fr": fr, "en": en}


def doc(code: str, ar: str, fr: str, en: str, required: bool = True, kinds=("pdf", "image")) -> dict:
    return {"code": code, "required": required, "kinds": list(kinds), "label": label(ar, fr, en)}


def field(name: str, kind: str, ar: str, fr: str, en: str, required: bool = True, choices=None) -> dict:
    spec = {"name": name, "kind": kind, "required": required, "label": label(ar, fr, en)}
    if choices:
        spec["choices"] = [{"value": v, "label": label(*names)} for v, *names in choices]
    return spec


REQUEST = doc("request", "الطلب الموقع", "Demande signée", "Signed request")
PROPERTY = doc("property", "شهادة الملكية", "Certificat de propriété", "Property certificate")
CADASTRAL = doc(
    "cadastral_plan",
    "التصميم المساحي أو الرفع الطبوغرافي",
    "Plan cadastral ou levé topographique",
    "Cadastral plan or topographic survey",
)
SITE_PLAN = doc("site_plan", "تصميم الموقع", "Plan de situation", "Site plan")
ARCHITECT = doc(
    "architectural_plans", "التصاميم المعمارية (1/100)", "Plans architecturaux (1/100)", "Architectural plans (1/100)"
)
INFO_NOTE = doc(
    "information_note",
    "مذكرة المعلومات التعميرية",
    "Note de renseignements urbanistiques",
    "Urban planning information note",
)
TELECOM = doc(
    "telecom_file", "الملف التقني للاتصالات", "Dossier technique télécom", "Telecom technical file", required=False
)
END_OF_WORKS = doc(
    "end_of_works", "تصريح بانتهاء الأشغال", "Déclaration d'achèvement des travaux", "End-of-works declaration"
)
PHOTOS = doc("photos", "صور المكان", "Photos des lieux", "Photos of the place", kinds=("image",))
CIN_COPY = doc("cin_copy", "نسخة من البطاقة الوطنية", "Copie de la CIN", "Copy of the national ID card")
LEASE = doc("lease", "عقد الكراء أو سند الملكية", "Bail ou titre de propriété", "Lease or title deed")

USE = field(
    "use",
    "choice",
    "الاستعمال",
    "Usage prévu",
    "Intended use",
    choices=[
        ("housing", "سكن", "Habitation", "Housing"),
        ("commerce", "تجارة", "Commerce", "Commerce"),
        ("mixed", "مختلط", "Mixte", "Mixed"),
        ("other", "آخر", "Autre", "Other"),
    ],
)
FLOOR_AREA = field("floor_area", "decimal", "المساحة المغطاة (م²)", "Surface plancher (m²)", "Floor area (m²)")
LEVELS = field("levels", "int", "عدد الطوابق", "Nombre de niveaux", "Number of levels")
LAND_AREA = field("land_area", "decimal", "مساحة العقار (م²)", "Surface du terrain (m²)", "Land area (m²)")
LOTS = field("lots", "int", "عدد البقع", "Nombre de lots", "Number of lots")
WORKS = field("works", "text", "وصف الأشغال", "Description des travaux", "Description of the works")

COMMISSION = ["urban_agency", "civil_protection", "commune_technical"]

PERMIT_TYPES: list[dict] = [
    dict(
        code="building_small",
        name=label(
            "رخصة البناء (مشروع صغير)", "Permis de construire (petit projet)", "Building permit (small project)"
        ),
        fields=[USE, FLOOR_AREA, LEVELS],
        documents=[REQUEST, PROPERTY, CADASTRAL, SITE_PLAN, ARCHITECT],
        agency_kinds=["urban_agency", "commune_technical"],
        deadline_days=15,
        validity_months=12,
    ),
    dict(
        code="building_large",
        name=label(
            "رخصة البناء (مشروع كبير)", "Permis de construire (grand projet)", "Building permit (large project)"
        ),
        fields=[USE, FLOOR_AREA, LEVELS],
        documents=[REQUEST, PROPERTY, CADASTRAL, SITE_PLAN, ARCHITECT, INFO_NOTE, TELECOM],
        agency_kinds=COMMISSION,
        deadline_days=30,
        validity_months=12,
    ),
    dict(
        code="housing",
        name=label("رخصة السكن", "Permis d'habiter", "Housing permit"),
        fields=[FLOOR_AREA],
        documents=[REQUEST, END_OF_WORKS, PHOTOS],
        agency_kinds=["commune_technical"],
        deadline_days=30,
        validity_months=0,
    ),
    dict(
        code="conformity",
        name=label("شهادة المطابقة", "Certificat de conformité", "Conformity certificate"),
        fields=[USE, FLOOR_AREA],
        documents=[REQUEST, END_OF_WORKS, PHOTOS],
        agency_kinds=["commune_technical"],
        deadline_days=30,
        validity_months=0,
    ),
    dict(
        code="subdivision",
        name=label("إذن بالتجزيء", "Autorisation de lotir", "Subdivision"),
        fields=[LAND_AREA, LOTS],
        documents=[REQUEST, PROPERTY, CADASTRAL, SITE_PLAN, INFO_NOTE],
        agency_kinds=COMMISSION,
        deadline_days=30,
        validity_months=36,
    ),
    dict(
        code="housing_group",
        name=label("إذن بإحداث مجموعة سكنية", "Groupe d'habitations", "Housing group"),
        fields=[LAND_AREA, LOTS, FLOOR_AREA],
        documents=[REQUEST, PROPERTY, CADASTRAL, SITE_PLAN, ARCHITECT, INFO_NOTE],
        agency_kinds=COMMISSION,
        deadline_days=30,
        validity_months=36,
    ),
    dict(
        code="morcellement",
        name=label("إذن بتقسيم العقار", "Morcellement", "Land division (morcellement)"),
        fields=[LAND_AREA, LOTS],
        documents=[REQUEST, PROPERTY, CADASTRAL, SITE_PLAN],
        agency_kinds=["urban_agency", "cadastre"],
        deadline_days=30,
        validity_months=12,
    ),
    dict(
        code="repair",
        name=label("رخصة الإصلاح", "Autorisation de réfection", "Repair permit"),
        fields=[WORKS],
        documents=[REQUEST, PROPERTY, PHOTOS],
        agency_kinds=["commune_technical"],
        deadline_days=15,
        validity_months=6,
    ),
    dict(
        code="demolition",
        name=label("رخصة الهدم", "Permis de démolir", "Demolition permit"),
        fields=[WORKS, FLOOR_AREA],
        documents=[REQUEST, PROPERTY, SITE_PLAN, PHOTOS],
        agency_kinds=["commune_technical", "civil_protection"],
        deadline_days=15,
        validity_months=6,
    ),
    dict(
        code="activity",
        name=label(
            "رخصة مزاولة نشاط اقتصادي",
            "Autorisation d'exercer une activité économique",
            "Economic activity authorisation",
        ),
        fields=[
            field("activity", "text", "النشاط", "Activité", "Activity"),
            field("premises_area", "decimal", "مساحة المحل (م²)", "Surface du local (m²)", "Premises area (m²)"),
        ],
        documents=[REQUEST, CIN_COPY, LEASE],
        agency_kinds=["commune_technical", "civil_protection"],
        deadline_days=15,
        validity_months=12,
    ),
    dict(
        code="public_domain",
        name=label(
            "الاحتلال المؤقت للملك العمومي",
            "Occupation temporaire du domaine public",
            "Temporary occupation of the public domain",
        ),
        fields=[
            field(
                "purpose",
                "choice",
                "الغرض",
                "Objet",
                "Purpose",
                choices=[
                    ("terrace", "شرفة مقهى", "Terrasse", "Terrace"),
                    ("kiosk", "كشك", "Kiosque", "Kiosk"),
                    ("works", "أشغال", "Travaux", "Works"),
                ],
            ),
            field("occupied_area", "decimal", "المساحة المحتلة (م²)", "Surface occupée (m²)", "Occupied area (m²)"),
            field("duration_months", "int", "المدة (بالأشهر)", "Durée (mois)", "Duration (months)"),
        ],
        documents=[REQUEST, CIN_COPY, SITE_PLAN, PHOTOS],
        agency_kinds=["commune_technical"],
        deadline_days=15,
        validity_months=12,
    ),
]

# Fixed-date public holidays (the religious ones move with the lunar calendar: admins add them).
# (month-day, French name, Arabic name)
FIXED_HOLIDAYS = [
    ("01-01", "Nouvel An", "رأس السنة الميلادية"),
    ("01-11", "Manifeste de l'indépendance", "ذكرى تقديم وثيقة الاستقلال"),
    ("01-14", "Nouvel An amazigh", "رأس السنة الأمازيغية"),
    ("05-01", "Fête du Travail", "عيد الشغل"),
    ("07-30", "Fête du Trône", "عيد العرش"),
    ("08-14", "Oued Eddahab", "ذكرى استرجاع إقليم وادي الذهب"),
    ("08-20", "Révolution du Roi et du Peuple", "ذكرى ثورة الملك والشعب"),
    ("08-21", "Fête de la Jeunesse", "عيد الشباب"),
    ("11-06", "Marche Verte", "ذكرى المسيرة الخضراء"),
    ("11-18", "Fête de l'Indépendance", "عيد الاستقلال"),
]
