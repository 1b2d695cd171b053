"""Default checklists given to a commune when it opens; its admin edits them afterwards."""

from app.inspections.workflow import Type

CHECKLISTS = {
    Type.SITE_VISIT: [
        {
            "ar": "الأشغال مطابقة للتصاميم المقدمة",
            "fr": "Les travaux correspondent aux plans déposés",
            "en": "The works match the plans filed",
        },
        {
            "ar": "حدود البناء والتراجعات محترمة",
            "fr": "L'alignement et les reculs sont respectés",
            "en": "The building line and setbacks are respected",
        },
        {"ar": "لوحة الورش معلقة", "fr": "Le panneau de chantier est affiché", "en": "The site panel is displayed"},
        {
            "ar": "الورش آمن للمارة",
            "fr": "Le chantier est sûr pour les passants",
            "en": "The site is safe for passers-by",
        },
    ],
    Type.END_OF_WORKS: [
        {
            "ar": "البناء مطابق للتصاميم المرخصة",
            "fr": "La construction est conforme aux plans autorisés",
            "en": "The building matches the authorised plans",
        },
        {
            "ar": "عدد الطوابق مطابق للرخصة",
            "fr": "Le nombre de niveaux est celui autorisé",
            "en": "The number of floors is the one authorised",
        },
        {
            "ar": "الربط بالماء والتطهير منجز",
            "fr": "Les raccordements eau et assainissement sont faits",
            "en": "Water and sewage connections are done",
        },
        {"ar": "الواجهة منتهية", "fr": "La façade est achevée", "en": "The facade is finished"},
    ],
    Type.COMPLAINT_CHECK: [
        {"ar": "المشكل المبلغ عنه موجود", "fr": "Le problème signalé existe", "en": "The problem reported exists"},
        {
            "ar": "يشكل خطرا على الأشخاص",
            "fr": "Il présente un danger pour les personnes",
            "en": "It is a danger to people",
        },
        {
            "ar": "يدخل في اختصاص الجماعة",
            "fr": "Il relève de la compétence de la commune",
            "en": "It is within the commune's competence",
        },
    ],
    Type.UNAUTHORISED_CONSTRUCTION: [
        {"ar": "الأشغال جارية", "fr": "Des travaux sont en cours", "en": "Works are under way"},
        {"ar": "رخصة معلقة في الورش", "fr": "Une autorisation est affichée", "en": "A permit is displayed"},
        {
            "ar": "المالك أو المقاول حاضر",
            "fr": "Le propriétaire ou l'entrepreneur était présent",
            "en": "The owner or the contractor was present",
        },
    ],
    Type.PUBLIC_DOMAIN_OCCUPATION: [
        {
            "ar": "الاحتلال يعيق الرصيف",
            "fr": "L'occupation gêne le trottoir",
            "en": "The occupation blocks the pavement",
        },
        {"ar": "تم الإدلاء بترخيص", "fr": "Une autorisation a été présentée", "en": "An authorisation was shown"},
        {
            "ar": "المساحة المحتلة قابلة للقياس",
            "fr": "La surface occupée a pu être mesurée",
            "en": "The area occupied could be measured",
        },
    ],
}
