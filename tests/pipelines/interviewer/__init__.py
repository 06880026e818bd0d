"""Interview plans and scripted answers shared by the interviewer brain tests, built directly."""

from __future__ import annotations

from pipelines.models import InterviewPlan, PlannedQuestion


def _q(text: str, topic: str, criterion: str, seconds: int) -> PlannedQuestion:
    return PlannedQuestion(text=text, topic=topic, criterion=criterion, time_budget_s=seconds)


def plan_en() -> InterviewPlan:
    """Eight questions over all five criteria, 1320 s of budgets."""
    return InterviewPlan(
        language="en",
        questions=[
            _q(
                "Tell me about your current role: what do you work on day to day?",
                "Work experience",
                "experience_relevance",
                150,
            ),
            _q(
                "How does the GIL affect Python performance, and when do you choose threads, "
                "processes or asyncio?",
                "Python",
                "technical_skills",
                210,
            ),
            _q(
                "How have you found and fixed N+1 queries in the Django ORM?",
                "Django",
                "technical_skills",
                210,
            ),
            _q(
                "The vacancy needs Kafka. How would you get up to speed with it?",
                "Gap: Kafka",
                "technical_skills",
                150,
            ),
            _q(
                "The role asks for five years of backend experience. Which of your projects "
                "come closest to that scope?",
                "Gap: experience",
                "experience_relevance",
                120,
            ),
            _q(
                "An API suddenly got ten times slower after a release. How would you find the "
                "cause?",
                "Problem solving",
                "problem_solving",
                240,
            ),
            _q(
                "How do you explain a technical decision to non-technical colleagues?",
                "Communication",
                "communication",
                120,
            ),
            _q(
                "What matters to you in a team, and why are you looking for a new job?",
                "Motivation and culture fit",
                "cultural_fit",
                120,
            ),
        ],
    )


def plan_ru() -> InterviewPlan:
    """The same eight questions in Russian."""
    return InterviewPlan(
        language="ru",
        questions=[
            _q(
                "Расскажите о вашей текущей работе: чем вы занимаетесь каждый день?",
                "Опыт работы",
                "experience_relevance",
                150,
            ),
            _q(
                "Как GIL влияет на производительность Python и когда вы выбираете потоки, "
                "процессы или asyncio?",
                "Python",
                "technical_skills",
                210,
            ),
            _q(
                "Как вы находили и устраняли проблему N+1 запросов в Django ORM?",
                "Django",
                "technical_skills",
                210,
            ),
            _q(
                "Для вакансии нужен Kafka. Как бы вы его освоили?",
                "Пробел: Kafka",
                "technical_skills",
                150,
            ),
            _q(
                "Для роли нужно пять лет опыта в бэкенде. Какие ваши проекты ближе всего к "
                "такому масштабу?",
                "Пробел: опыт",
                "experience_relevance",
                120,
            ),
            _q(
                "После релиза API стал отвечать в десять раз медленнее. Как вы будете искать "
                "причину?",
                "Решение проблем",
                "problem_solving",
                240,
            ),
            _q(
                "Как вы объясняете технические решения нетехническим коллегам?",
                "Коммуникация",
                "communication",
                120,
            ),
            _q(
                "Что для вас важно в команде и почему вы ищете новую работу?",
                "Мотивация и культура",
                "cultural_fit",
                120,
            ),
        ],
    )


GOOD_EN = [
    "I lead the backend of a payments service at Acme: I design Django APIs, review code and "
    "run the on-call rotation for our team of six engineers.",
    "Because of the GIL only one thread runs Python bytecode at a time, so for CPU-bound work "
    "like image resizing I used processes, and for 2000 concurrent HTTP calls asyncio.",
    "In our order list the Django Debug Toolbar showed 300 queries, so I added select_related "
    "and prefetch_related and the page went down to 3 queries and 80 milliseconds.",
    "I have used RabbitMQ for three years, so I would read the Kafka docs on partitions and "
    "consumer groups and build a small producer and consumer in a pet project first.",
    "At Acme I have built the payments platform for four years, from a single Django app to "
    "twelve services handling a million transactions a day.",
    "First I would compare the metrics before and after the release, then look at traces and "
    "slow query logs, and bisect the deployed commits if nothing obvious shows up.",
    "I avoid jargon and explain the trade-off in terms of money, risk and time, often with a "
    "simple diagram, and I check that the product manager can retell the decision.",
    "I value honest feedback and ownership in a team; I am looking for a product with harder "
    "scaling problems than my current project can offer.",
]

GOOD_RU = [
    "Я веду бэкенд платёжного сервиса в Acme: проектирую API на Django, провожу ревью кода и "
    "организую дежурства нашей команды из шести инженеров.",
    "Из-за GIL байткод Python исполняет только один поток, поэтому для CPU-задач вроде "
    "обработки картинок я брал процессы, а для 2000 одновременных HTTP-запросов asyncio.",
    "В списке заказов Django Debug Toolbar показал 300 запросов, я добавил select_related и "
    "prefetch_related, и страница стала делать 3 запроса за 80 миллисекунд.",
    "Я три года работаю с RabbitMQ, поэтому начал бы с документации Kafka про партиции и "
    "группы консьюмеров и сделал бы небольшой продюсер и консьюмер в пет-проекте.",
    "В Acme я четыре года развиваю платёжную платформу: от одного Django-приложения до "
    "двенадцати сервисов, которые обрабатывают миллион транзакций в день.",
    "Сначала сравню метрики до и после релиза, потом посмотрю трейсы и логи медленных "
    "запросов, а если ничего не видно, сделаю бисекцию по выкаченным коммитам.",
    "Я избегаю жаргона и объясняю компромисс через деньги, риски и сроки, часто рисую простую "
    "схему и проверяю, что продакт-менеджер может пересказать решение.",
    "Мне важны честная обратная связь и ответственность в команде; ищу продукт со сложными "
    "задачами масштабирования, которых нет в текущем проекте.",
]
