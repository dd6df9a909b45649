/// The text of a new progress file: the seed's structure and 40 projects, in proper UTF-8 with LF endings.
enum ProgressTemplate {
    static func text(start: CalendarDate) -> String {
        let target = start.adding(months: 12)
        return """
            # Backend Engineering Mastery - Progress Tracker

            **Start Date**: \(start)
            **Target Completion**: \(target) (12 months)
            **Current Status**: Not Started

            ---

            ## Overall Progress: 0/40 Projects Complete (0%)

            ### Legend
            - ⬜ Not Started
            - 🟡 In Progress
            - ✅ Completed
            - ⏭️ Skipped

            ---

            ## Q1: Foundations & Scalability (Months 1-3)

            | # | Project | Status | Start Date | End Date | Notes |
            |---|---------|--------|------------|----------|-------|
            | 01 | Distributed Rate Limiter | ⬜ | - | - | |
            | 02 | Job Queue with DLQ | ⬜ | - | - | |
            | 03 | DB Connection Pool Monitor | ⬜ | - | - | |
            | 04 | API Cache Layer | ⬜ | - | - | |

            **Q1 Progress**: 0/4 Complete

            ---

            ## Q2: Real-time Systems & Event Architecture (Months 4-6)

            | # | Project | Status | Start Date | End Date | Notes |
            |---|---------|--------|------------|----------|-------|
            | 05 | WebSocket Chat | ⬜ | - | - | |
            | 06 | Event Sourcing & CQRS | ⬜ | - | - | |
            | 07 | CDC Pipeline | ⬜ | - | - | |
            | 08 | Idempotent API | ⬜ | - | - | |

            **Q2 Progress**: 0/4 Complete

            ---

            ## Q3: Performance & Infrastructure (Months 7-9)

            | # | Project | Status | Start Date | End Date | Notes |
            |---|---------|--------|------------|----------|-------|
            | 09 | GraphQL DataLoader | ⬜ | - | - | |
            | 10 | Multi-tenant SaaS | ⬜ | - | - | |
            | 11 | Distributed Tracing | ⬜ | - | - | |
            | 12 | Circuit Breaker | ⬜ | - | - | |

            **Q3 Progress**: 0/4 Complete

            ---

            ## Q4: Advanced Systems & Leadership (Months 10-12)

            | # | Project | Status | Start Date | End Date | Notes |
            |---|---------|--------|------------|----------|-------|
            | 13 | Feature Flags | ⬜ | - | - | |
            | 14 | Search Engine | ⬜ | - | - | |
            | 15 | API Gateway | ⬜ | - | - | |
            | 16 | Database Migration | ⬜ | - | - | |
            | 17 | Custom ORM | ⬜ | - | - | |

            **Q4 Progress**: 0/5 Complete

            ---

            ## Bonus Projects

            | # | Project | Status | Start Date | End Date | Notes |
            |---|---------|--------|------------|----------|-------|
            | 18 | Distributed Lock | ⬜ | - | - | |
            | 19 | Time-Series Pipeline | ⬜ | - | - | |
            | 20 | OAuth2 Provider | ⬜ | - | - | |
            | 21 | Webhook Delivery | ⬜ | - | - | |
            | 22 | CDN Edge Cache | ⬜ | - | - | |
            | 23 | Audit Log System | ⬜ | - | - | |
            | 24 | DB Read Replica | ⬜ | - | - | |
            | 25 | Scheduled Jobs | ⬜ | - | - | |
            | 26 | GraphQL Federation | ⬜ | - | - | |
            | 27 | API Versioning | ⬜ | - | - | |
            | 28 | Geospatial Service | ⬜ | - | - | |
            | 29 | Email/SMS Delivery | ⬜ | - | - | |
            | 30 | Chaos Engineering | ⬜ | - | - | |
            | 31 | GDPR Compliance | ⬜ | - | - | |
            | 32 | Serverless Workflows | ⬜ | - | - | |
            | 33 | File Upload Service | ⬜ | - | - | |
            | 34 | Service Mesh | ⬜ | - | - | |
            | 35 | Multi-Region Active | ⬜ | - | - | |
            | 36 | FinOps Dashboard | ⬜ | - | - | |
            | 37 | Collaborative Editing | ⬜ | - | - | |
            | 38 | ML Model Serving | ⬜ | - | - | |
            | 39 | Secrets Management | ⬜ | - | - | |
            | 40 | Load Testing Suite | ⬜ | - | - | |

            **Bonus Progress**: 0/23 Complete

            ---

            ## Key Milestones

            - [ ] **Month 3**: Can discuss distributed systems, caching, scalability
            - [ ] **Month 6**: Can discuss event-driven architecture, real-time systems
            - [ ] **Month 9**: Can discuss performance optimization, observability, resilience
            - [ ] **Month 12**: Can design and defend complex system architectures at staff level

            ---

            ## Skills Acquired

            ### Distributed Systems
            - [ ] CAP theorem & distributed consensus
            - [ ] Distributed locking & coordination
            - [ ] Replication & sharding
            - [ ] Multi-region architecture

            ### Performance & Scalability
            - [ ] Caching strategies (multi-tier, invalidation)
            - [ ] Query optimization & N+1 prevention
            - [ ] Load balancing & horizontal scaling
            - [ ] Connection pooling & resource management

            ### Real-time & Event-Driven
            - [ ] WebSocket & real-time protocols
            - [ ] Event sourcing & CQRS
            - [ ] CDC & stream processing
            - [ ] Message queues & pub/sub

            ### Observability & Operations
            - [ ] Distributed tracing (OpenTelemetry)
            - [ ] Metrics & monitoring (Prometheus/Grafana)
            - [ ] Logging strategies
            - [ ] Chaos engineering

            ### Security & Compliance
            - [ ] OAuth2/OIDC
            - [ ] Multi-tenancy & data isolation
            - [ ] GDPR & privacy compliance
            - [ ] Secrets management

            ### Data Engineering
            - [ ] Time-series data processing
            - [ ] Geospatial queries
            - [ ] Full-text search
            - [ ] Database migrations

            ### Infrastructure & DevOps
            - [ ] Service mesh (Istio/Envoy)
            - [ ] Serverless workflows
            - [ ] CI/CD patterns
            - [ ] Cost optimization (FinOps)

            ### Advanced Patterns
            - [ ] Circuit breaker & bulkhead
            - [ ] Feature flags & A/B testing
            - [ ] Idempotency patterns
            - [ ] CRDTs & collaborative editing

            ---

            ## War Stories Collected

            ### Completed Projects
            *Track your war stories here as you complete projects*

            ---

            ## Blog Posts Written

            *Track technical blog posts explaining your learnings*

            ---

            ## GitHub Repositories

            *Links to your deployed projects*

            ---

            ## Interview Preparation

            ### Technical Concepts Mastered
            - [ ] Distributed systems fundamentals
            - [ ] Database internals & optimization
            - [ ] System design patterns
            - [ ] API design best practices
            - [ ] Security & compliance
            - [ ] Performance engineering
            - [ ] Cloud architecture (AWS)

            ### System Design Practice
            - [ ] Can design scalable APIs (1M+ users)
            - [ ] Can design real-time systems
            - [ ] Can design data-intensive applications
            - [ ] Can design multi-region systems
            - [ ] Can design for reliability (99.99% uptime)
            - [ ] Can design with cost optimization

            ---

            ## Monthly Reflection

            ### Month 1
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 2
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 3
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 4
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 5
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 6
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 7
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 8
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 9
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 10
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 11
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Next Month Focus**:

            ### Month 12
            - **Projects Completed**:
            - **Key Learnings**:
            - **Challenges Faced**:
            - **Achievements**:

            ---

            ## Quick Update Commands

            **When starting a project:**
            1. Change status from ⬜ to 🟡
            2. Add start date
            3. Add any initial notes

            **When completing a project:**
            1. Change status from 🟡 to ✅
            2. Add end date
            3. Add war story to collection
            4. Update skills acquired checklist
            5. Link to GitHub repo

            **Monthly review:**
            1. Update monthly reflection
            2. Review overall progress
            3. Adjust timeline if needed
            4. Plan next month's projects

            ---

            ## Notes & Insights

            *Use this space to capture important learnings, debugging stories, or insights as you progress*

            ---

            **Last Updated**: \(start)

            """
    }
}
