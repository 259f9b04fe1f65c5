// Learning-rate schedules (torch.optim.lr_scheduler's closed forms).
//
//   ASSIGN_OR_RETURN(auto sched, optim::StepLr::Create(opt.get(), /*step_size=*/30, 0.1));
//   for (int epoch = 0; epoch < 100; ++epoch) {
//     train_one_epoch();
//     sched->Step();          // lr for the next epoch
//   }
//
// With base = the optimizer's lr when the scheduler is created and e the
// number of Step() calls so far:
//   StepLr:        lr = base * gamma^floor(e / step_size)
//   MultiStepLr:   lr = base * gamma^(number of milestones <= e)
//   ExponentialLr: lr = base * gamma^e
// Step() sets the optimizer's lr to LrAt(e). The optimizer must outlive
// the scheduler.
#ifndef ACAODE_AUTOGRAD_OPTIM_LR_SCHEDULER_H_
#define ACAODE_AUTOGRAD_OPTIM_LR_SCHEDULER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "autograd/optim/optimizer.h"

namespace acaode {
namespace optim {

class LrScheduler {
 public:
  virtual ~LrScheduler() = default;
  // Advances one epoch and applies the new learning rate.
  void Step() {
    ++epoch_;
    optimizer_->set_lr(LrAt(epoch_));
  }
  // The learning rate of epoch e (closed form).
  virtual double LrAt(int64_t e) const = 0;
  int64_t epoch() const { return epoch_; }
  double base_lr() const { return base_lr_; }

 protected:
  explicit LrScheduler(Optimizer* optimizer) : optimizer_(optimizer), base_lr_(optimizer->lr()) {}

 private:
  Optimizer* optimizer_;
  double base_lr_;
  int64_t epoch_ = 0;
};

class StepLr : public LrScheduler {
 public:
  // step_size >= 1, gamma > 0, optimizer non-null (else InvalidArgument).
  static absl::StatusOr<std::unique_ptr<StepLr>> Create(Optimizer* optimizer, int64_t step_size,
                                                        double gamma = 0.1);
  double LrAt(int64_t e) const override;

 private:
  StepLr(Optimizer* o, int64_t step_size, double gamma)
      : LrScheduler(o), step_size_(step_size), gamma_(gamma) {}
  int64_t step_size_;
  double gamma_;
};

class MultiStepLr : public LrScheduler {
 public:
  // milestones strictly increasing and >= 1, gamma > 0.
  static absl::StatusOr<std::unique_ptr<MultiStepLr>> Create(Optimizer* optimizer,
                                                             std::vector<int64_t> milestones,
                                                             double gamma = 0.1);
  double LrAt(int64_t e) const override;

 private:
  MultiStepLr(Optimizer* o, std::vector<int64_t> milestones, double gamma)
      : LrScheduler(o), milestones_(std::move(milestones)), gamma_(gamma) {}
  std::vector<int64_t> milestones_;
  double gamma_;
};

class ExponentialLr : public LrScheduler {
 public:
  // gamma > 0.
  static absl::StatusOr<std::unique_ptr<ExponentialLr>> Create(Optimizer* optimizer, double gamma);
  double LrAt(int64_t e) const override;

 private:
  ExponentialLr(Optimizer* o, double gamma) : LrScheduler(o), gamma_(gamma) {}
  double gamma_;
};

}  // namespace optim
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPTIM_LR_SCHEDULER_H_
